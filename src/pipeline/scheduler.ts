import cron from 'node-cron';
import { errorCode, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';

/** A job run by the scheduler. It should not throw; if it does, the error is logged and the job keeps its schedule. */
export type Job = (signal: AbortSignal) => Promise<void>;

interface Entry {
  name: string;
  expression: string;
  job: Job;
  running: Promise<void> | undefined;
  task: ReturnType<typeof cron.createTask> | undefined;
  skipped: number;
}

/**
 * Runs jobs on cron schedules (node-cron) in one time zone. A job never overlaps itself: a tick
 * that arrives while the previous run is still going is skipped and counted. `stop()` cancels
 * future ticks, aborts the signal and waits for runs in flight, so shutdown leaves no half-done work.
 */
export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly abort = new AbortController();
  private started = false;

  constructor(private readonly options: { timeZone: string; log: Logger }) {}

  /** @throws Error when the name is taken or the expression is invalid (both are checked at start-up). */
  add(name: string, expression: string, job: Job): void {
    if (this.entries.has(name)) throw new Error(`排程名稱重複 (duplicate job name): ${name}`);
    if (!cron.validate(expression)) throw new Error(`無效的 cron 表示式 (invalid cron) for ${name}: ${expression}`);
    const entry: Entry = { name, expression, job, running: undefined, task: undefined, skipped: 0 };
    this.entries.set(name, entry);
    if (this.started) this.schedule(entry);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const e of this.entries.values()) this.schedule(e);
  }

  /** Run a job now (unless it is already running); resolves when that run ends. */
  runNow(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.reject(new Error(`沒有這個排程 (no such job): ${name}`));
    return this.trigger(entry);
  }

  /** How many ticks each job skipped because its previous run was still going. */
  skippedCounts(): Record<string, number> {
    return Object.fromEntries([...this.entries.values()].map((e) => [e.name, e.skipped]));
  }

  async stop(): Promise<void> {
    for (const e of this.entries.values()) {
      await e.task?.destroy();
      e.task = undefined;
    }
    this.abort.abort();
    await Promise.all([...this.entries.values()].map((e) => e.running));
    this.started = false;
  }

  private schedule(entry: Entry): void {
    entry.task = cron.createTask(entry.expression, () => this.trigger(entry), { timezone: this.options.timeZone, name: entry.name });
    void entry.task.start();
  }

  private trigger(entry: Entry): Promise<void> {
    if (this.abort.signal.aborted) return Promise.resolve();
    if (entry.running) {
      entry.skipped++;
      this.options.log.warn({ job: entry.name }, '上一輪尚未結束，略過這次排程 (previous run still going; tick skipped)');
      return entry.running;
    }
    // Started on a microtask, so `running` is set before the job can finish.
    const run: Promise<void> = Promise.resolve()
      .then(() => entry.job(this.abort.signal))
      .catch((err: unknown) => {
        this.options.log.error({ job: entry.name, code: errorCode(err), err: errorMessage(err) }, '排程工作失敗 (job failed)');
      })
      .finally(() => {
        if (entry.running === run) entry.running = undefined;
      });
    entry.running = run;
    return run;
  }
}
