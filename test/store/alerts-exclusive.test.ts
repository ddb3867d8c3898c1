import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/core/clock';
import { openStateStore } from '../../src/store/state-store';

describe('alerts: read–decide–commit steps across processes', () => {
  it('holds the write lock for the whole step, so another connection cannot write in between', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yuqing-excl-'));
    const clock = new ManualClock(0);
    const daemon = openStateStore({ path: join(dir, 's.db'), clock, storeMentionDocuments: true });
    const cli = openStateStore({ path: join(dir, 's.db'), clock, storeMentionDocuments: true });
    try {
      cli.db.pragma('busy_timeout = 0');
      let refused: unknown;
      let ranAfter = false;
      daemon.alerts.exclusive(() => {
        try {
          cli.alerts.exclusive(() => undefined);
        } catch (err) {
          refused = err;
        }
      });
      cli.alerts.exclusive(() => {
        ranAfter = true;
      });
      expect((refused as { code?: string } | undefined)?.code).toBe('SQLITE_BUSY');
      expect(ranAfter).toBe(true);
    } finally {
      cli.close();
      daemon.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
