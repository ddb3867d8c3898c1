/** Jest globalTeardown: stops the node es-global-setup.ts started (never one it found via YUQING_TEST_ES_URL). */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

export default async function globalTeardown(): Promise<void> {
  const instance = process.env.YUQING_TEST_ES_STARTED;
  if (!instance || process.env.YUQING_TEST_ES_KEEP === '1') return;
  const root = resolve(__dirname, '../..');
  await promisify(execFile)('bash', [resolve(root, 'scripts/es-node.sh'), 'stop'], { cwd: root, env: { ...process.env, YUQING_ES_INSTANCE: instance }, timeout: 120_000 });
}
