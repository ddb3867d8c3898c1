import type { Notifier } from '../../src/alerts/notifiers/define';
import { deliverDue, retryDelayMs, type RetryPolicy } from '../../src/alerts/outbox';
import type { AlertNotice, ChannelKind } from '../../src/alerts/types';
import { ManualClock } from '../../src/core/clock';
import { DeliveryError } from '../../src/core/errors';
import { silentLogger } from '../../src/core/logger';
import { EVENT_AT, makeNotice } from '../helpers/alert-fixtures';
import { captureLogger, LEVEL } from '../helpers/capture-logger';
import { MemoryOutboxStore } from '../helpers/memory-outbox-store';

const POLICY: RetryPolicy = { initialBackoffMs: 5_000, maxBackoffMs: 30 * 60_000 };
/** random() = 0.5 puts the ±20% jitter at exactly ×1, so delays are exact in assertions. */
const NO_JITTER = (): number => 0.5;

type Outcome = 'ok' | Error | (() => Promise<void>);

/** A notifier that plays back outcomes (then succeeds) and records every call. */
function scriptedNotifier(channel: ChannelKind, outcomes: Outcome[] = []): Notifier & { calls: Array<{ key: string; target: string }> } {
  const calls: Array<{ key: string; target: string }> = [];
  return {
    channel,
    calls,
    async send(notice: AlertNotice, target: string) {
      calls.push({ key: notice.idempotencyKey, target });
      const next = outcomes.shift() ?? 'ok';
      if (next instanceof Error) throw next;
      if (typeof next === 'function') await next();
      return { detail: `${channel} ok` };
    },
  };
}

const retryable = (retryAfterMs?: number): DeliveryError =>
  new DeliveryError('暫時失敗 (test)', { retryable: true, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
const permanent = (): DeliveryError => new DeliveryError('永久拒收 550 (test)', { retryable: false });

function setup(): { store: MemoryOutboxStore; clock: ManualClock } {
  return { store: new MemoryOutboxStore(), clock: new ManualClock(EVENT_AT) };
}

function enqueue(store: MemoryOutboxStore, channel: ChannelKind, target: string, key: string, at: number = EVENT_AT): number {
  return store.enqueue({ channel, target, notice: makeNotice({ idempotencyKey: key }), idempotencyKey: key, createdAt: at });
}

describe('deliverDue', () => {
  it('sends the due items, marks them sent and leaves items not yet due alone', async () => {
    const { store, clock } = setup();
    const a = enqueue(store, 'email', 'a@clinic.example', 'k-a');
    const later = store.enqueue({ channel: 'email', target: 'b@clinic.example', notice: makeNotice(), idempotencyKey: 'k-b', createdAt: EVENT_AT, nextAttemptAt: EVENT_AT + 60_000 });
    const email = scriptedNotifier('email');
    const summary = await deliverDue({ store, notifiers: new Map([['email', email]]), clock, log: silentLogger(), policy: POLICY });
    expect(summary).toMatchObject({ claimed: 1, sent: 1, retried: 0, failed: 0 });
    expect(store.get(a)).toMatchObject({ status: 'sent', attempts: 1, detail: 'email ok', sentAt: EVENT_AT });
    expect(store.get(later)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(email.calls).toEqual([{ key: 'k-a', target: 'a@clinic.example' }]);
  });

  it('retries a retryable failure with exponential backoff, then delivers', async () => {
    const { store, clock } = setup();
    const id = enqueue(store, 'webhook', 'ops', 'k-1');
    const hook = scriptedNotifier('webhook', [retryable(), retryable(), retryable()]);
    const run = () => deliverDue({ store, notifiers: new Map([['webhook', hook]]), clock, log: silentLogger(), policy: POLICY, random: NO_JITTER });

    const expectedDelays = [5_000, 10_000, 20_000];
    for (const [i, delay] of expectedDelays.entries()) {
      const now = clock.now();
      expect((await run()).retried).toBe(1);
      expect(store.get(id)).toMatchObject({ status: 'pending', attempts: i + 1, nextAttemptAt: now + delay });
      clock.advance(delay - 1);
      expect((await run()).claimed).toBe(0); // not a millisecond early
      clock.advance(1);
    }
    expect((await run()).sent).toBe(1);
    expect(store.get(id)).toMatchObject({ status: 'sent', attempts: 4 });
    expect(hook.calls.map((c) => c.key)).toEqual(['k-1', 'k-1', 'k-1', 'k-1']);
  });

  it('never retries earlier than the Retry-After the server asked for', async () => {
    const { store, clock } = setup();
    const id = enqueue(store, 'webhook', 'ops', 'k-1');
    const hook = scriptedNotifier('webhook', [retryable(120_000), retryable(1_000)]);
    const run = () => deliverDue({ store, notifiers: new Map([['webhook', hook]]), clock, log: silentLogger(), policy: POLICY, random: NO_JITTER });
    await run();
    expect(store.get(id)!.nextAttemptAt).toBe(EVENT_AT + 120_000); // longer than the 5 s backoff
    clock.set(EVENT_AT + 120_000);
    await run();
    expect(store.get(id)!.nextAttemptAt).toBe(EVENT_AT + 120_000 + 10_000); // shorter than the 10 s backoff: backoff wins
  });

  it('keeps retrying a retryable failure indefinitely, with the delay capped at maxBackoffMs', async () => {
    const { store, clock } = setup();
    const id = enqueue(store, 'email', 'a@clinic.example', 'k-1');
    const down = scriptedNotifier('email', Array.from({ length: 40 }, () => retryable()));
    for (let i = 0; i < 40; i++) {
      clock.set(store.get(id)!.nextAttemptAt);
      await deliverDue({ store, notifiers: new Map([['email', down]]), clock, log: silentLogger(), policy: POLICY, random: () => 0.999 });
      expect(store.get(id)!.nextAttemptAt - clock.now()).toBeLessThanOrEqual(POLICY.maxBackoffMs);
    }
    expect(store.get(id)).toMatchObject({ status: 'pending', attempts: 40 });
    expect(store.get(id)!.nextAttemptAt - clock.now()).toBe(POLICY.maxBackoffMs);
  });

  it('marks a non-retryable failure failed with the reason and logs it at error level', async () => {
    const { store, clock } = setup();
    const id = enqueue(store, 'email', 'gone@clinic.example', 'k-1');
    const { log, lines } = captureLogger();
    const summary = await deliverDue({ store, notifiers: new Map([['email', scriptedNotifier('email', [permanent()])]]), clock, log, policy: POLICY });
    expect(summary.failed).toBe(1);
    expect(store.get(id)).toMatchObject({ status: 'failed', failedAt: EVENT_AT });
    expect(store.get(id)!.lastError).toContain('永久拒收 550');
    const errorLine = lines.find((l) => l.level === LEVEL.error);
    expect(errorLine).toMatchObject({ component: 'outbox', idempotencyKey: 'k-1', channel: 'email', target: 'gone@clinic.example', code: 'E_DELIVERY' });
    // and it is never claimed again
    clock.advance(365 * 86_400_000);
    expect((await deliverDue({ store, notifiers: new Map(), clock, log: silentLogger(), policy: POLICY })).claimed).toBe(0);
  });

  it('does not let a failing channel block another, nor a failing item block the next', async () => {
    const { store, clock } = setup();
    const e1 = enqueue(store, 'email', 'a@clinic.example', 'k-e1');
    const e2 = enqueue(store, 'email', 'b@clinic.example', 'k-e2');
    const w1 = enqueue(store, 'webhook', 'ops', 'k-w1');
    // the email channel throws a bug-like error for one item and times out for the other
    const email = scriptedNotifier('email', [new TypeError('boom in a notifier'), retryable()]);
    const hook = scriptedNotifier('webhook');
    const summary = await deliverDue({ store, notifiers: new Map<ChannelKind, Notifier>([['email', email], ['webhook', hook]]), clock, log: silentLogger(), policy: POLICY });
    expect(summary).toMatchObject({ sent: 1, retried: 2, failed: 0 });
    expect(store.get(w1)!.status).toBe('sent');
    expect(email.calls.map((c) => c.key)).toEqual(['k-e1', 'k-e2']);
    expect(store.get(e1)).toMatchObject({ status: 'pending', attempts: 1 }); // a non-DeliveryError is kept and retried
    expect(store.get(e1)!.lastError).toContain('boom in a notifier');
    expect(store.get(e2)).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('runs channels side by side: a hanging SMTP send does not hold back webhooks', async () => {
    const { store, clock } = setup();
    enqueue(store, 'email', 'a@clinic.example', 'k-e');
    const w = enqueue(store, 'webhook', 'ops', 'k-w');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const email = scriptedNotifier('email', [() => gate]);
    const hook = scriptedNotifier('webhook');
    const running = deliverDue({ store, notifiers: new Map<ChannelKind, Notifier>([['email', email], ['webhook', hook]]), clock, log: silentLogger(), policy: POLICY });
    await new Promise((r) => setImmediate(r));
    expect(store.get(w)!.status).toBe('sent'); // while email is still hanging
    release();
    expect((await running).sent).toBe(2);
  });

  it('defers later items to a target that just failed, keeping their order, while other targets go ahead', async () => {
    const { store, clock } = setup();
    const first = enqueue(store, 'webhook', 'ops', 'k-1');
    const second = enqueue(store, 'webhook', 'ops', 'k-2');
    const other = enqueue(store, 'webhook', 'legal', 'k-3');
    const hook = scriptedNotifier('webhook', [retryable()]);
    const summary = await deliverDue({ store, notifiers: new Map([['webhook', hook]]), clock, log: silentLogger(), policy: POLICY, random: NO_JITTER });
    expect(hook.calls.map((c) => c.key)).toEqual(['k-1', 'k-3']);
    expect(summary.items.find((i) => i.id === second)!.outcome).toBe('deferred');
    expect(store.get(second)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: store.get(first)!.nextAttemptAt });
    expect(store.get(other)!.status).toBe('sent');
    clock.advance(5_000);
    await deliverDue({ store, notifiers: new Map([['webhook', hook]]), clock, log: silentLogger(), policy: POLICY });
    expect(hook.calls.map((c) => c.key)).toEqual(['k-1', 'k-3', 'k-1', 'k-2']);
  });

  it('keeps items of a channel that is not configured, retrying them at the maximum backoff', async () => {
    const { store, clock } = setup();
    const id = enqueue(store, 'webhook', 'ops', 'k-1');
    const { log, lines } = captureLogger();
    await deliverDue({ store, notifiers: new Map(), clock, log, policy: POLICY });
    expect(store.get(id)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: EVENT_AT + POLICY.maxBackoffMs });
    expect(lines.some((l) => l.level === LEVEL.error && l.channel === 'webhook')).toBe(true);
  });

  it('loses nothing across a crash mid-run: a restart delivers what was pending, the in-flight item again under its key', async () => {
    const { store, clock } = setup();
    enqueue(store, 'email', 'a@clinic.example', 'k-1');
    enqueue(store, 'email', 'b@clinic.example', 'k-2');
    enqueue(store, 'webhook', 'ops', 'k-3');
    // k-1 is delivered; the process dies while k-2 and k-3 are in flight (what is on disk is what survives)
    let crashed!: (dump: string) => void;
    const onDisk = new Promise<string>((r) => (crashed = r));
    const never = (): Promise<void> => new Promise<void>(() => undefined);
    const email0 = scriptedNotifier('email', ['ok', async () => crashed(store.dump())]);
    const hook0 = scriptedNotifier('webhook', [never]);
    void deliverDue({ store, notifiers: new Map<ChannelKind, Notifier>([['email', email0], ['webhook', hook0]]), clock, log: silentLogger(), policy: POLICY });

    const restarted = MemoryOutboxStore.restore(await onDisk);
    expect(restarted.all().map((r) => [r.idempotencyKey, r.status])).toEqual([
      ['k-1', 'sent'],
      ['k-2', 'pending'],
      ['k-3', 'pending'],
    ]);
    const email = scriptedNotifier('email');
    const hook = scriptedNotifier('webhook');
    clock.advance(1_000);
    const summary = await deliverDue({ store: restarted, notifiers: new Map<ChannelKind, Notifier>([['email', email], ['webhook', hook]]), clock, log: silentLogger(), policy: POLICY });
    expect(summary.sent).toBe(2);
    expect(email.calls.map((c) => c.key)).toEqual(['k-2']);
    expect(hook.calls.map((c) => c.key)).toEqual(['k-3']);
    expect(restarted.all().every((r) => r.status === 'sent')).toBe(true);
  });

  it('skips a run while another run on the same store is still going', async () => {
    const { store, clock } = setup();
    enqueue(store, 'email', 'a@clinic.example', 'k-1');
    let release!: () => void;
    const email = scriptedNotifier('email', [() => new Promise<void>((r) => (release = r))]);
    const notifiers = new Map<ChannelKind, Notifier>([['email', email]]);
    const first = deliverDue({ store, notifiers, clock, log: silentLogger(), policy: POLICY });
    const second = await deliverDue({ store, notifiers, clock, log: silentLogger(), policy: POLICY });
    expect(second.skipped).toBe(true);
    release();
    expect((await first).sent).toBe(1);
    expect(email.calls).toHaveLength(1);
  });

  it('lets a run deliver the other channels while a channel is still busy with an earlier run, and never sends an item from two runs at once', async () => {
    const { store, clock } = setup();
    enqueue(store, 'webhook', 'ops', 'k-hook-1');
    let release!: () => void;
    const hook = scriptedNotifier('webhook', [() => new Promise<void>((r) => (release = r))]);
    const email = scriptedNotifier('email');
    const notifiers = new Map<ChannelKind, Notifier>([['email', email], ['webhook', hook]]);
    const first = deliverDue({ store, notifiers, clock, log: silentLogger(), policy: POLICY });
    // While the webhook hangs, a new alert queues an email and another webhook delivery.
    enqueue(store, 'email', 'a@clinic.example', 'k-mail-2');
    enqueue(store, 'webhook', 'ops', 'k-hook-2');
    const second = await deliverDue({ store, notifiers, clock, log: silentLogger(), policy: POLICY });
    expect(second).toMatchObject({ skipped: false, busy: ['webhook'], claimed: 1, sent: 1 });
    expect(email.calls.map((c) => c.key)).toEqual(['k-mail-2']);
    expect(hook.calls.map((c) => c.key)).toEqual(['k-hook-1']); // not sent a second time, k-hook-2 not started
    release();
    expect(await first).toMatchObject({ sent: 1, busy: [] });
    // The channel is free again: the next run takes the webhook item that waited.
    const third = await deliverDue({ store, notifiers, clock, log: silentLogger(), policy: POLICY });
    expect(third).toMatchObject({ busy: [], sent: 1 });
    expect(hook.calls.map((c) => c.key)).toEqual(['k-hook-1', 'k-hook-2']);
  });

  it('logs a store write that fails after a send and carries on with the other items', async () => {
    const { store, clock } = setup();
    const a = enqueue(store, 'email', 'a@clinic.example', 'k-1');
    const b = enqueue(store, 'email', 'b@clinic.example', 'k-2');
    const original = store.markSent.bind(store);
    let calls = 0;
    store.markSent = (id, at, detail) => {
      if (calls++ === 0) throw new Error('SQLITE_BUSY: database is locked');
      original(id, at, detail);
    };
    const { log, lines } = captureLogger();
    const summary = await deliverDue({ store, notifiers: new Map([['email', scriptedNotifier('email')]]), clock, log, policy: POLICY });
    expect(summary.sent).toBe(1);
    expect(store.get(a)!.status).toBe('pending'); // will be sent again under the same key
    expect(store.get(b)!.status).toBe('sent');
    expect(lines.some((l) => l.level === LEVEL.error && String(JSON.stringify(l)).includes('SQLITE_BUSY'))).toBe(true);
  });
});

describe('retryDelayMs', () => {
  it('doubles from the initial backoff and caps at the maximum', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, POLICY, undefined, NO_JITTER))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(30, POLICY, undefined, NO_JITTER)).toBe(POLICY.maxBackoffMs);
  });

  it('jitters within ±20% and never above the maximum', () => {
    expect(retryDelayMs(1, POLICY, undefined, () => 0)).toBe(4_000);
    expect(retryDelayMs(1, POLICY, undefined, () => 0.999999)).toBeLessThanOrEqual(6_000);
    expect(retryDelayMs(1, POLICY, undefined, () => 0.999999)).toBeGreaterThan(5_900);
    expect(retryDelayMs(50, POLICY, undefined, () => 0.999999)).toBe(POLICY.maxBackoffMs);
  });

  it('honours a Retry-After beyond the maximum, up to a day', () => {
    expect(retryDelayMs(1, POLICY, 3 * 3_600_000, NO_JITTER)).toBe(3 * 3_600_000);
    expect(retryDelayMs(1, POLICY, 30 * 86_400_000, NO_JITTER)).toBe(86_400_000);
  });
});
