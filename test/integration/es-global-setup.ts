/**
 * Jest globalSetup of the Elasticsearch integration tests: makes sure a real node is reachable and
 * hands its URL to the test workers in `YUQING_TEST_ES_URL`.
 *
 * - `YUQING_TEST_ES_URL` already set (CI: `.ci/run` starts the node): checked, used as is.
 * - Not set: `scripts/es-node.sh start` starts (or finds) the instance `jest`, and globalTeardown stops
 *   it again unless `YUQING_TEST_ES_KEEP=1` (keeps it for fast re-runs).
 * Never skips: a node that cannot be started or reached fails the run with the reason.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../..');
export const JEST_ES_INSTANCE = 'jest';

async function assertReachable(url: string): Promise<void> {
  let status = '';
  try {
    const res = await fetch(`${url.replace(/\/$/, '')}/_cluster/health?wait_for_status=yellow&timeout=30s`, { signal: AbortSignal.timeout(35_000) });
    status = ((await res.json()) as { status?: string }).status ?? `HTTP ${res.status}`;
  } catch (err) {
    status = err instanceof Error ? err.message : String(err);
  }
  if (status !== 'green' && status !== 'yellow') {
    throw new Error(`YUQING_TEST_ES_URL=${url} 無法使用 (Elasticsearch not reachable or not healthy: ${status}). 請執行 npm run es:start，或取消設定此變數讓測試自行啟動節點。`);
  }
}

export default async function globalSetup(): Promise<void> {
  const given = process.env.YUQING_TEST_ES_URL;
  if (given) {
    await assertReachable(given);
    return;
  }
  let url: string;
  try {
    const { stdout } = await promisify(execFile)('bash', [resolve(ROOT, 'scripts/es-node.sh'), 'start'], {
      cwd: ROOT,
      env: { ...process.env, YUQING_ES_INSTANCE: JEST_ES_INSTANCE },
      timeout: 15 * 60_000,
      maxBuffer: 1 << 20,
    });
    url = stdout.trim().split('\n').pop() ?? '';
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    throw new Error(`無法啟動測試用 Elasticsearch (scripts/es-node.sh start failed): ${e.stderr ?? e.message}`);
  }
  await assertReachable(url);
  // Workers are forked after globalSetup and inherit this environment.
  process.env.YUQING_TEST_ES_URL = url;
  process.env.YUQING_TEST_ES_STARTED = JEST_ES_INSTANCE;
}
