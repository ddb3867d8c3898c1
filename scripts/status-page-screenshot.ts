/**
 * Writes docs/status-page.png: the status page over the seeded store the browser test uses,
 * rendered by headless Chromium (apt-get install chromium; CJK fonts: fonts-noto-cjk).
 *   npx tsx scripts/status-page-screenshot.ts
 */
import { join } from 'node:path';
import { ManualClock } from '../src/core/clock';
import { openStateStore } from '../src/store/state-store';
import { launchChromium } from '../test/helpers/headless-chromium';
import { STATUS_NOW, seedStatusStore, startStatusServer } from '../test/helpers/status-fixture';

async function main(): Promise<void> {
  const clock = new ManualClock(STATUS_NOW);
  const store = openStateStore({ path: ':memory:', clock, storeMentionDocuments: true });
  seedStatusStore(store);
  const server = await startStatusServer({ store, clock });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/status`);
    const file = join(__dirname, '..', 'docs', 'status-page.png');
    await page.screenshot({ path: file, fullPage: true });
    process.stdout.write(`wrote ${file}\n`);
  } finally {
    await browser.close();
    await server.stop();
    store.close();
  }
}

void main();
