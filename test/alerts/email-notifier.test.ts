import * as cheerio from 'cheerio';
import { emailMessageId, emailNotifierKind } from '../../src/alerts/notifiers/email';
import type { Notifier } from '../../src/alerts/notifiers/define';
import { ConfigError, DeliveryError } from '../../src/core/errors';
import { SmtpCatcher } from '../../src/demo/smtp-catcher';
import { EVENT_AT, makeEvidence, makeNotice } from '../helpers/alert-fixtures';
import { notifierContext, parseMainConfig } from '../helpers/notifier-context';

const TO = 'pr-lead@clinic.example';
const HOSTILE_TITLE = '<script>alert(1)</script>"onerror=alert(2)';

function emailConfig(port: number, smtp: Record<string, unknown> = {}) {
  return parseMainConfig({ channels: { email: { smtp: { host: '127.0.0.1', port, ...smtp }, from: 'Yuqing 輿情警示 <alerts@clinic.example>' } } });
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

describe('email notifier against a real SMTP server', () => {
  const catcher = new SmtpCatcher();
  let notifier: Notifier;

  beforeAll(async () => {
    const { port } = await catcher.start();
    notifier = emailNotifierKind.create(notifierContext(emailConfig(port)))!;
  });
  afterAll(async () => {
    await notifier.close?.();
    await catcher.stop();
  });
  afterEach(() => {
    catcher.failure = undefined;
  });

  it('delivers a message whose parsed subject, body, headers and Message-ID carry the alert', async () => {
    const before = catcher.messages.length;
    const notice = makeNotice({}, { evidence: [makeEvidence(1, { title: HOSTILE_TITLE }), makeEvidence(2)] });
    const receipt = await notifier.send(notice, TO);
    const [msg] = (await catcher.waitFor(before + 1, 5_000)).slice(before);

    expect(msg!.envelope.to).toEqual([TO]);
    expect(msg!.to).toEqual([TO]);
    expect(msg!.subject).toBe('【輿情警示 L3・新警示】範例診所：醫療糾紛（須於 11/21 14:20 前回應）');
    expect(msg!.text).toContain('等級：L3 嚴重');
    expect(msg!.text).toContain('回應期限：2025-11-21 14:20（尚餘 15 分）');
    expect(msg!.text).toContain('處理期限：2025-11-21 18:05');
    expect(msg!.text).toContain(HOSTILE_TITLE);

    expect(msg!.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;onerror=alert(2)');
    const $ = cheerio.load(msg!.html!);
    expect($('script').length).toBe(0);
    expect($('a[href]').first().attr('href')).toMatch(/^https?:\/\//);

    expect(msg!.messageId).toBe(emailMessageId(notice.idempotencyKey, 'clinic.example'));
    expect(msg!.headers['x-yuqing-idempotency-key']).toBe(notice.idempotencyKey);
    expect(msg!.headers['x-yuqing-level']).toBe('L3');
    expect(msg!.headers['x-yuqing-event']).toBe('opened');
    expect(msg!.headers['priority']).toBe('high');
    expect(receipt.detail).toContain(msg!.messageId!);
  });

  it('gives a redelivery of the same notice the same Message-ID, and another notice a different one', async () => {
    const before = catcher.messages.length;
    const notice = makeNotice({ idempotencyKey: 'alert-9:2:pr-lead:email' });
    await notifier.send(notice, TO);
    await notifier.send(notice, TO);
    await notifier.send(makeNotice({ idempotencyKey: 'alert-9:3:pr-lead:email', event: 'upgraded', fromLevel: 'L2' }), TO);
    const msgs = (await catcher.waitFor(before + 3, 5_000)).slice(before);
    expect(msgs[0]!.messageId).toBe(msgs[1]!.messageId);
    expect(msgs[2]!.messageId).not.toBe(msgs[0]!.messageId);
    // every event of one alert refers to the same thread id
    expect(msgs[0]!.headers['references']).toBe(msgs[2]!.headers['references']);
  });

  it('measures the time left from the send time, not from the event time', async () => {
    const before = catcher.messages.length;
    const ctx = notifierContext(emailConfig(catcher.port));
    const late = emailNotifierKind.create(ctx)!;
    ctx.clock.set(EVENT_AT + 25 * 60_000);
    await late.send(makeNotice(), TO);
    const [msg] = (await catcher.waitFor(before + 1, 5_000)).slice(before);
    expect(msg!.text).toContain('回應期限：2025-11-21 14:20（已逾時 10 分）');
    await late.close?.();
  });

  it('reports a refused connection (421) as retryable', async () => {
    catcher.failure = { kind: 'refuse-connection' };
    const err = await deliveryError(notifier.send(makeNotice(), TO));
    expect(err.retryable).toBe(true);
    expect(err.context).toMatchObject({ channel: 'email', responseCode: 421 });
  });

  it('reports a temporary recipient rejection (450) as retryable', async () => {
    catcher.failure = { kind: 'reject-recipient', code: 450 };
    expect((await deliveryError(notifier.send(makeNotice(), TO))).retryable).toBe(true);
  });

  it('reports a permanent recipient rejection (550) as not retryable', async () => {
    catcher.failure = { kind: 'reject-recipient' };
    const err = await deliveryError(notifier.send(makeNotice(), TO));
    expect(err.retryable).toBe(false);
    expect(err.code).toBe('E_DELIVERY');
    expect(err.context).toMatchObject({ responseCode: 550, smtpCode: 'EENVELOPE', target: TO });
  });

  it('reports a permanent rejection of the message (554) as not retryable', async () => {
    catcher.failure = { kind: 'reject-message' };
    expect((await deliveryError(notifier.send(makeNotice(), TO))).retryable).toBe(false);
  });
});

describe('email notifier without a server', () => {
  it('reports a closed port as retryable', async () => {
    const catcher = new SmtpCatcher();
    const { port } = await catcher.start();
    await catcher.stop(); // the port is now closed: connection refused
    const notifier = emailNotifierKind.create(notifierContext(emailConfig(port)))!;
    const err = await deliveryError(notifier.send(makeNotice(), TO));
    expect(err.retryable).toBe(true);
    await notifier.close?.();
  });
});

describe('email notifier set-up', () => {
  it('is absent when channels.email is not configured', () => {
    expect(emailNotifierKind.create(notifierContext(parseMainConfig({})))).toBeUndefined();
  });

  it('names the key and the variable when a credential variable is missing, without any secret value', () => {
    const config = emailConfig(2525, { userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASSWORD' });
    let thrown: unknown;
    try {
      emailNotifierKind.create(notifierContext(config, { env: { SMTP_USER: 'alerts-user-secret' } }));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const e = thrown as ConfigError;
    expect(e.problems[0]).toMatchObject({ file: 'test/yuqing.yaml', keyPath: 'channels.email.smtp.passwordEnv' });
    expect(e.message).toContain('SMTP_PASSWORD');
    expect(JSON.stringify(e.toJSON())).not.toContain('alerts-user-secret');
  });
});
