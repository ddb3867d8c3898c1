import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../../..');

/**
 * A node of its own, for a test that must stop and restart Elasticsearch without disturbing the
 * shared test node: `scripts/es-node.sh` with a separate instance name (own data dir and port; the
 * port is kept across restarts, so clients keep their URL).
 */
export class OwnEsNode {
  constructor(readonly instance: string) {}

  private async run(cmd: 'start' | 'stop', env: Record<string, string> = {}): Promise<string> {
    try {
      const { stdout } = await promisify(execFile)('bash', [resolve(ROOT, 'scripts/es-node.sh'), cmd], {
        cwd: ROOT,
        env: { ...process.env, YUQING_ES_INSTANCE: this.instance, ...env },
        timeout: 10 * 60_000,
      });
      return stdout.trim();
    } catch (err) {
      const e = err as { stderr?: string; message?: string };
      throw new Error(`scripts/es-node.sh ${cmd} (${this.instance}) failed: ${e.stderr ?? e.message}`);
    }
  }

  /** Start (fresh data on the first start) and return the URL. */
  start(fresh = false): Promise<string> {
    return this.run('start', fresh ? { YUQING_ES_FRESH: '1' } : {});
  }

  /** Stop gracefully (SIGTERM, as an operator or an orchestrator would). */
  async stop(): Promise<void> {
    await this.run('stop');
  }

  /** Stop and delete the instance's data. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(resolve(ROOT, '.cache/elasticsearch/instances', this.instance), { recursive: true, force: true });
  }
}
