import { createNotifierRegistry } from '../../src/alerts/notifiers/registry';
import { deliverDue, type RetryPolicy } from '../../src/alerts/outbox';
import { silentLogger } from '../../src/core/logger';
import { SmtpCatcher } from '../../src/demo/smtp-catcher';
import { WebhookReceiver } from '../../src/demo/webhook-receiver';
import { createHttpClient } from '../../src/http/client';
import { makeNotice } from '../helpers/alert-fixtures';
import { MemoryOutboxStore } from '../helpers/memory-outbox-store';
import { notifierContext, parseMainConfig } from '../helpers/notifier-context';

/**
 * The delivery loop with the real notifiers, a real SMTP server and a real HTTP receiver: the
 * outage scenarios end to end, on a manual clock.
 */
const POLICY: RetryPolicy = { initialBackoffMs: 5_000, maxBackoffMs: 30 * 60_000 };
const SECRET = 'whsec_' + Buffer.from('outbox-delivery-test-secret').toString('base64');

describe('outbox delivery with real notifiers', () => {
  const catcher = new SmtpCatcher();
  let receiver: WebhookReceiver;
  let ctx: ReturnType<typeof notifierContext>;

  beforeAll(async () => {
    await catcher.start();
  });
  afterAll(async () => {
    await catcher.stop();
  });
  beforeEach(async () => {
    ctx = notifierContext(parseMainConfig({}), {
      env: { HOOK_SECRET: SECRET },
      http: createHttpClient({ userAgent: 'Yuqing-test/1', timeoutMs: 5_000, maxBodyBytes: 1 << 20, perHostIntervalMs: 0, retries: 2, maxRedirects: 5, log: silentLogger(), allowPrivateHosts: ['127.0.0.1'] }),
    });
    receiver = new WebhookReceiver({ secret: SECRET, now: () => ctx.clock.now() });
    const { url } = await receiver.start();
    ctx.config = parseMainConfig({
      channels: {
        email: { smtp: { host: '127.0.0.1', port: catcher.port }, from: 'Yuqing <alerts@clinic.example>' },
        webhooks: { ops: { url, secretEnv: 'HOOK_SECRET' } },
      },
    });
    catcher.failure = undefined;
  });
  afterEach(async () => {
    await receiver.stop();
  });

  it('rides out a 500 and a 429 with Retry-After, then delivers once under one webhook-id', async () => {
    receiver.script(500, { status: 429, headers: { 'retry-after': '120' } }, 200);
    const store = new MemoryOutboxStore();
    const start = ctx.clock.now();
    const id = store.enqueue({ channel: 'webhook', target: 'ops', notice: makeNotice({ idempotencyKey: 'alert-1:1:ops:webhook' }), idempotencyKey: 'alert-1:1:ops:webhook', createdAt: start });
    const notifiers = createNotifierRegistry(ctx);
    const run = () => deliverDue({ store, notifiers, clock: ctx.clock, log: silentLogger(), policy: POLICY, random: () => 0.5 });

    expect((await run()).retried).toBe(1); // 500
    expect(store.get(id)!.nextAttemptAt).toBe(start + 5_000);
    ctx.clock.set(start + 5_000);
    expect((await run()).retried).toBe(1); // 429, asks for 120 s: longer than the 10 s backoff
    expect(store.get(id)!.nextAttemptAt).toBe(start + 5_000 + 120_000);
    ctx.clock.set(start + 5_000 + 60_000);
    expect((await run()).claimed).toBe(0);
    ctx.clock.set(start + 5_000 + 120_000);
    expect((await run()).sent).toBe(1);

    expect(store.get(id)).toMatchObject({ status: 'sent', attempts: 3 });
    expect(receiver.deliveries.map((d) => d.status)).toEqual([500, 429, 200]);
    expect(new Set(receiver.deliveries.map((d) => d.headers['webhook-id']))).toEqual(new Set(['alert-1:1:ops:webhook']));
    expect(receiver.rejected).toEqual([]);
  });

  it('marks a 410 delivery failed and still delivers the email of the same event', async () => {
    receiver.script(410);
    const store = new MemoryOutboxStore();
    const notice = makeNotice();
    const hook = store.enqueue({ channel: 'webhook', target: 'ops', notice, idempotencyKey: 'k-hook', createdAt: ctx.clock.now() });
    const mail = store.enqueue({ channel: 'email', target: 'pr@clinic.example', notice, idempotencyKey: 'k-mail', createdAt: ctx.clock.now() });
    const before = catcher.messages.length;
    const summary = await deliverDue({ store, notifiers: createNotifierRegistry(ctx), clock: ctx.clock, log: silentLogger(), policy: POLICY });
    expect(summary).toMatchObject({ sent: 1, failed: 1 });
    expect(store.get(hook)!.status).toBe('failed');
    expect(store.get(hook)!.lastError).toContain('410');
    expect(store.get(mail)!.status).toBe('sent');
    expect(catcher.messages.length).toBe(before + 1);
    // the outbox row's key is the one on the wire
    expect(catcher.messages[before]!.headers['x-yuqing-idempotency-key']).toBe('k-mail');
  });

  it('keeps an email through an SMTP outage and delivers it when the server is back', async () => {
    catcher.failure = { kind: 'refuse-connection' };
    const store = new MemoryOutboxStore();
    const id = store.enqueue({ channel: 'email', target: 'pr@clinic.example', notice: makeNotice({ idempotencyKey: 'k-outage' }), idempotencyKey: 'k-outage', createdAt: ctx.clock.now() });
    const notifiers = createNotifierRegistry(ctx);
    const run = () => deliverDue({ store, notifiers, clock: ctx.clock, log: silentLogger(), policy: POLICY, random: () => 0.5 });
    for (let i = 0; i < 3; i++) {
      await run();
      ctx.clock.set(store.get(id)!.nextAttemptAt);
    }
    expect(store.get(id)).toMatchObject({ status: 'pending', attempts: 3 });
    catcher.failure = undefined;
    const before = catcher.messages.length;
    expect((await run()).sent).toBe(1);
    const [msg] = (await catcher.waitFor(before + 1, 5_000)).slice(before);
    expect(msg!.headers['x-yuqing-idempotency-key']).toBe('k-outage');
  });
});
