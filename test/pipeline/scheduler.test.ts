import { Scheduler } from '../../src/pipeline/scheduler';
import { silentLogger } from '../../src/core/logger';

describe('scheduler', () => {
  it('never overlaps a job with itself: a trigger during a run is skipped and counted', async () => {
    const s = new Scheduler({ timeZone: 'Asia/Taipei', log: silentLogger() });
    let running = 0;
    let maxRunning = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    s.add('slow', '0 0 1 1 *', async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await gate;
      running--;
    });
    const a = s.runNow('slow');
    const b = s.runNow('slow');
    release();
    await Promise.all([a, b]);
    expect(maxRunning).toBe(1);
    expect(s.skippedCounts()).toEqual({ slow: 1 });
    await s.stop();
  });

  it('keeps a job scheduled after it throws, and logs instead of crashing', async () => {
    const s = new Scheduler({ timeZone: 'Asia/Taipei', log: silentLogger() });
    let calls = 0;
    s.add('flaky', '0 0 1 1 *', async () => {
      calls++;
      throw new Error('boom');
    });
    await s.runNow('flaky');
    await s.runNow('flaky');
    expect(calls).toBe(2);
    await s.stop();
  });

  it('fires on its cron schedule and waits for a run in flight when stopped', async () => {
    const s = new Scheduler({ timeZone: 'Asia/Taipei', log: silentLogger() });
    let finished = 0;
    s.add('every-second', '* * * * * *', async () => {
      await new Promise((r) => setTimeout(r, 200));
      finished++;
    });
    s.start();
    await new Promise((r) => setTimeout(r, 2300));
    const before = finished;
    await s.stop();
    expect(before).toBeGreaterThanOrEqual(1);
    // stop() returned only after the run in flight (if any) finished: nothing runs afterwards.
    const after = finished;
    await new Promise((r) => setTimeout(r, 1200));
    expect(finished).toBe(after);
  });

  it('rejects a duplicate job name and an invalid cron expression at start-up', () => {
    const s = new Scheduler({ timeZone: 'Asia/Taipei', log: silentLogger() });
    s.add('a', '* * * * *', async () => undefined);
    expect(() => s.add('a', '* * * * *', async () => undefined)).toThrow('duplicate');
    expect(() => s.add('b', 'every minute', async () => undefined)).toThrow('invalid cron');
  });
});
