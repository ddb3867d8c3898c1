import { webhookNotifierKind } from '../../src/alerts/notifiers/webhook';
import type { Notifier, NotifierContext } from '../../src/alerts/notifiers/define';
import type { WebhookPayload } from '../../src/alerts/render/webhook-payload';
import { verifyWebhook } from '../../src/alerts/webhook-signature';
import { ConfigError, DeliveryError } from '../../src/core/errors';
import { silentLogger } from '../../src/core/logger';
import { WebhookReceiver } from '../../src/demo/webhook-receiver';
import { createHttpClient } from '../../src/http/client';
import { makeNotice } from '../helpers/alert-fixtures';
import { notifierContext, parseMainConfig } from '../helpers/notifier-context';

const SECRET = `whsec_${Buffer.from('webhook-test-secret-32-bytes-long').toString('base64')}`;

function realHttp() {
  return createHttpClient({ userAgent: 'Yuqing-test/1', timeoutMs: 5_000, maxBodyBytes: 1 << 20, perHostIntervalMs: 0, retries: 2, maxRedirects: 5, log: silentLogger(), allowPrivateHosts: ['127.0.0.1'] });
}

async function deliveryError(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DeliveryError) return err;
    throw err;
  }
  throw new Error('expected the send to fail');
}

describe('webhook notifier against a real local receiver', () => {
  let receiver: WebhookReceiver;
  let ctx: NotifierContext;
  let notifier: Notifier;

  beforeEach(async () => {
    ctx = notifierContext(
      parseMainConfig({
        http: { userAgent: 'Yuqing-test/1 (+https://example.invalid)' },
        channels: { webhooks: { ops: { url: 'http://127.0.0.1:1/placeholder', secretEnv: 'YQ_HOOK_SECRET', timeoutMs: 300 } } },
      }),
      { env: { YQ_HOOK_SECRET: SECRET }, http: realHttp() },
    );
    // The receiver checks timestamps against the same (manual) clock the sender signs with.
    receiver = new WebhookReceiver({ secret: SECRET, now: () => ctx.clock.now() });
    const { url } = await receiver.start();
    ctx.config.channels.webhooks.ops!.url = url;
    notifier = webhookNotifierKind.create(ctx)!;
  });
  afterEach(async () => {
    await receiver.stop();
  });

  it('delivers a signed JSON payload the receiver verifies, with the idempotency key as webhook-id', async () => {
    const notice = makeNotice({ idempotencyKey: 'alert-1:1:ops:webhook' });
    const receipt = await notifier.send(notice, 'ops');
    expect(receipt.detail).toBe('HTTP 200');
    expect(receiver.rejected).toEqual([]);
    const [d] = receiver.deliveries;
    expect(d!.headers['webhook-id']).toBe('alert-1:1:ops:webhook');
    expect(d!.headers['webhook-timestamp']).toBe(String(Math.floor(ctx.clock.now() / 1000)));
    expect(d!.headers['content-type']).toBe('application/json');
    expect(d!.headers['user-agent']).toBe('Yuqing-test/1 (+https://example.invalid)');
    // verified again here from what arrived on the wire
    expect(verifyWebhook({ secret: SECRET, headers: d!.headers, body: d!.body, nowSec: Math.floor(ctx.clock.now() / 1000) }).ok).toBe(true);
    const payload = d!.json as WebhookPayload;
    expect(payload.type).toBe('alert.opened');
    expect(payload.idempotencyKey).toBe('alert-1:1:ops:webhook');
    expect(payload.data.alert.level).toBe('L3');
    expect(payload.data.alert.respondBy).toBe('2025-11-21T06:20:00.000Z');
  });

  it('is rejected by the receiver (401, not retryable) when signed with another secret', async () => {
    const wrong = webhookNotifierKind.create({ ...ctx, env: { YQ_HOOK_SECRET: 'some-other-secret' } })!;
    const err = await deliveryError(wrong.send(makeNotice(), 'ops'));
    expect(err.retryable).toBe(false);
    expect(err.context).toMatchObject({ status: 401 });
    expect(receiver.rejected.map((r) => r.reason)).toEqual(['bad-signature']);
    expect(receiver.deliveries).toEqual([]);
  });

  it('reports 500 as retryable', async () => {
    receiver.script(500);
    const err = await deliveryError(notifier.send(makeNotice(), 'ops'));
    expect(err.retryable).toBe(true);
    expect(err.context).toMatchObject({ status: 500 });
    expect(receiver.deliveries).toHaveLength(1); // no retries inside the request: the outbox owns retrying
  });

  it('passes a 429 Retry-After on to the outbox', async () => {
    receiver.script({ status: 429, headers: { 'retry-after': '7' } });
    const err = await deliveryError(notifier.send(makeNotice(), 'ops'));
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(7_000);
  });

  it('reports 410 Gone as not retryable', async () => {
    receiver.script(410);
    const err = await deliveryError(notifier.send(makeNotice(), 'ops'));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('410');
  });

  it('does not follow a redirect and reports it as not retryable', async () => {
    receiver.script({ status: 307, headers: { location: '/elsewhere' } });
    const err = await deliveryError(notifier.send(makeNotice(), 'ops'));
    expect(err.retryable).toBe(false);
    expect(receiver.deliveries.map((d) => d.path)).toEqual(['/hook']);
  });

  it('reports other 4xx as not retryable', async () => {
    receiver.script(422);
    expect((await deliveryError(notifier.send(makeNotice(), 'ops'))).retryable).toBe(false);
  });

  it('reports a timeout as retryable', async () => {
    receiver.script({ status: 200, delayMs: 2_000 });
    const err = await deliveryError(notifier.send(makeNotice(), 'ops'));
    expect(err.retryable).toBe(true);
    expect(err.context).toMatchObject({ code: 'E_HTTP_TIMEOUT' });
  });

  it('reports a closed port as retryable', async () => {
    await receiver.stop();
    const err = await deliveryError(notifier.send(makeNotice(), 'ops'));
    expect(err.retryable).toBe(true);
    expect(err.context).toMatchObject({ code: 'E_HTTP_NETWORK' });
  });

  it('refuses an unknown webhook name without sending anything', async () => {
    const err = await deliveryError(notifier.send(makeNotice(), 'nobody'));
    expect(err.retryable).toBe(false);
    expect(receiver.deliveries).toEqual([]);
  });

  it('keeps a URL that came from an environment variable out of errors', async () => {
    const secretUrl = `${receiver.url}/T0001/B0002/SECRET-TOKEN-xyz`;
    const config = parseMainConfig({ channels: { webhooks: { slack: { urlEnv: 'SLACK_URL', secretEnv: 'YQ_HOOK_SECRET' } } } });
    const hidden = webhookNotifierKind.create({ ...ctx, config, env: { SLACK_URL: secretUrl, YQ_HOOK_SECRET: SECRET } })!;
    receiver.script(503);
    const err = await deliveryError(hidden.send(makeNotice(), 'slack'));
    expect(err.retryable).toBe(true);
    expect(receiver.deliveries[0]!.path).toBe('/hook/T0001/B0002/SECRET-TOKEN-xyz');
    const shown = JSON.stringify(err.toJSON()) + err.message + String((err.cause as Error | undefined)?.message);
    expect(shown).not.toContain('SECRET-TOKEN');
  });
});

describe('webhook notifier set-up', () => {
  it('is absent when no webhook is configured', () => {
    expect(webhookNotifierKind.create(notifierContext(parseMainConfig({})))).toBeUndefined();
  });

  it('names the key when the secret variable is missing', () => {
    const config = parseMainConfig({ channels: { webhooks: { ops: { url: 'https://hooks.example/x', secretEnv: 'MISSING_SECRET' } } } });
    let thrown: unknown;
    try {
      webhookNotifierKind.create(notifierContext(config));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems[0]).toMatchObject({ keyPath: 'channels.webhooks.ops.secretEnv' });
  });

  it('refuses a non-http URL from the environment without echoing it', () => {
    const config = parseMainConfig({ channels: { webhooks: { ops: { urlEnv: 'HOOK_URL' } } } });
    let thrown: unknown;
    try {
      webhookNotifierKind.create(notifierContext(config, { env: { HOOK_URL: 'ftp://secret-host/token-123' } }));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).message).not.toContain('token-123');
  });
});
