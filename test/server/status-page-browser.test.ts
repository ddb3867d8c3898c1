import type { BrowserContext, Page } from 'playwright-core';
import { ManualClock } from '../../src/core/clock';
import { openStateStore, type StateStore } from '../../src/store/state-store';
import { launchChromium } from '../helpers/headless-chromium';
import { HOSTILE_TITLE, STATUS_NOW, seedStatusStore, startStatusServer } from '../helpers/status-fixture';

/**
 * The status page in Debian's headless Chromium (installed by .ci/run), driven by playwright-core:
 * what a PR lead sees, that the acknowledge button works end to end, and that hostile text in a
 * mention stays text under the page's CSP.
 */
jest.setTimeout(30_000);

describe('status page in headless Chromium', () => {
  let browser: { context: BrowserContext; close(): Promise<void> };
  let store: StateStore;
  let server: { url: string; stop(): Promise<void> };
  let ids: ReturnType<typeof seedStatusStore>;
  let page: Page;
  /** Content-Security-Policy violations the page reports (a style the hash does not cover, an inline handler …). */
  const cspViolations: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(() => browser?.close());

  beforeEach(async () => {
    const clock = new ManualClock(STATUS_NOW);
    store = openStateStore({ path: ':memory:', clock, storeMentionDocuments: true });
    ids = seedStatusStore(store);
    server = await startStatusServer({ store, clock });
    page = await browser.context.newPage();
    cspViolations.length = 0;
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(`${server.url}/status`);
  });
  afterEach(async () => {
    await page.close();
    await server.stop();
    store.close();
  });

  it('renders the open alerts from the store, most urgent first, with level and red clock', async () => {
    const cards = page.locator('article.alert');
    await expect(cards.count()).resolves.toBe(3);
    await expect(cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-alert-id')))).resolves.toEqual([ids.l3.id, ids.source.id, ids.l2.id]);
    const l3 = page.locator(`article[data-alert-id="${ids.l3.id}"]`);
    await expect(l3.locator('.badge').innerText()).resolves.toBe('L3 嚴重');
    await expect(l3.locator('.clock .overdue').innerText()).resolves.toContain('已逾時 15 分');
    await expect(l3.locator('.clock').innerText()).resolves.toContain('尚餘 3 小時 30 分');
    // The hashed style applied (a blocked style would leave the badge unstyled).
    await expect(l3.locator('.badge').evaluate((e) => (globalThis as unknown as { getComputedStyle(el: unknown): { backgroundColor: string } }).getComputedStyle(e).backgroundColor)).resolves.toBe('rgb(183, 28, 28)');
    await expect(page.locator('.vol svg rect').count()).resolves.toBe(28);
    await expect(page.locator('tr[data-connector="dcard-clinic"]').innerText()).resolves.toContain('被封鎖');
    expect(cspViolations).toEqual([]);
  });

  it('acknowledges an alert with the button: the store records who, and the page shows it', async () => {
    const l3 = page.locator(`article[data-alert-id="${ids.l3.id}"]`);
    await l3.locator('input[name="by"]').fill('林小姐');
    await l3.locator('input[name="note"]').fill('已通知法務');
    await Promise.all([page.waitForURL(/\/status\?acked=/), l3.locator('button[type="submit"]').click()]);
    const stored = store.alerts.get(ids.l3.id)!;
    expect(stored).toMatchObject({ status: 'acknowledged', acknowledgedBy: '林小姐（狀態頁）', ackNote: '已通知法務' });
    await expect(page.locator('.notice').innerText()).resolves.toContain(`已確認警示 範例診所（${ids.l3.id}）`);
    const after = page.locator(`article[data-alert-id="${ids.l3.id}"]`);
    await expect(after.locator('.acked').innerText()).resolves.toContain('已由 林小姐（狀態頁） 確認；備註：已通知法務');
    await expect(after.locator('form').count()).resolves.toBe(0);
    // The other open alert is untouched.
    expect(store.alerts.get(ids.source.id)!.status).toBe('open');
  });

  it('shows hostile text in a mention as text: no script runs, no element is injected, javascript: is no link', async () => {
    const evidence = page.locator(`article[data-alert-id="${ids.l3.id}"] .evidence`);
    await expect(evidence.innerText()).resolves.toContain(HOSTILE_TITLE);
    await expect(evidence.locator('a').evaluateAll((as) => as.map((a) => (a as unknown as { protocol: string }).protocol))).resolves.toEqual(['https:', 'https:']);
    await expect(evidence.innerText()).resolves.toContain('連結是 javascript: 網址的貼文');
    await expect(page.locator('script, img, iframe, object').count()).resolves.toBe(0);
    await expect(page.evaluate(() => (globalThis as { __yuqingPwned?: number }).__yuqingPwned)).resolves.toBeUndefined();
    await expect(page.locator('tr[data-connector="dcard-clinic"] .err').innerText()).resolves.toContain('<script>alert(1)</script>');
    await expect(page.locator('.site').first().innerText()).resolves.toContain('<b>PTT</b> facelift');
    expect(cspViolations).toEqual([]);
  });
});
