import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { SmtpConfig } from '../../config/main-schema';
import type { Clock } from '../../core/clock';
import { ConfigError, DeliveryError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { renderEmail } from '../render/email';
import type { AlertNotice } from '../types';
import { defineNotifier, type DeliveryReceipt, type Notifier } from './define';

/** Time to open the TCP/TLS connection, to get the greeting, and of inactivity on the socket. */
const SMTP_CONNECTION_TIMEOUT_MS = 10_000;
const SMTP_GREETING_TIMEOUT_MS = 10_000;
const SMTP_SOCKET_TIMEOUT_MS = 60_000;

/** What {@link createEmailNotifier} needs; secrets already resolved. */
export interface EmailNotifierOptions {
  smtp: SmtpConfig;
  /** `From:` as configured, e.g. `Yuqing 輿情警示 <alerts@clinic.example>`. */
  from: string;
  /** SMTP credentials, already read from the environment. Never logged, never put in errors. */
  auth?: { user: string; pass: string };
  clock: Clock;
  log: Logger;
}

/**
 * An SMTP notifier (nodemailer, one connection per message). Each message carries
 * `Message-ID` derived from the idempotency key (a redelivery after a crash is the same message to
 * the recipient's mail system and easy to spot), `X-Yuqing-Idempotency-Key`, `X-Yuqing-Level`,
 * `X-Yuqing-Event`, `X-Yuqing-Alert-Id`, and `References` to one id per alert so that clients
 * thread every event of an alert together. L3 is sent with high priority.
 *
 * Failures become DeliveryError: retryable for connection trouble and 4xx replies (and for
 * anything unrecognised: an outage must delay an alert, never drop it); not retryable for a 5xx
 * permanent rejection of the recipient or the message.
 */
export function createEmailNotifier(options: EmailNotifierOptions): Notifier {
  const log = options.log.child({ component: 'notifier', channel: 'email' });
  const transport = nodemailer.createTransport({
    host: options.smtp.host,
    port: options.smtp.port,
    secure: options.smtp.secure,
    requireTLS: options.smtp.requireTls,
    ...(options.auth ? { auth: { user: options.auth.user, pass: options.auth.pass } } : {}),
    connectionTimeout: SMTP_CONNECTION_TIMEOUT_MS,
    greetingTimeout: SMTP_GREETING_TIMEOUT_MS,
    socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
    logger: false,
  });
  const domain = addressDomain(options.from);

  return {
    channel: 'email',
    async send(notice: AlertNotice, target: string): Promise<DeliveryReceipt> {
      const { subject, text, html } = renderEmail(notice, { nowMs: options.clock.now() });
      const messageId = emailMessageId(notice.idempotencyKey, domain);
      let info: { messageId?: string; response?: string; rejected?: unknown[]; accepted?: unknown[] };
      try {
        info = await transport.sendMail({
          from: options.from,
          to: target,
          subject,
          text,
          html,
          messageId,
          references: [alertThreadId(notice.alert.id, domain)],
          priority: notice.alert.level === 'L3' ? 'high' : 'normal',
          headers: {
            'X-Yuqing-Idempotency-Key': notice.idempotencyKey,
            'X-Yuqing-Level': notice.alert.level,
            'X-Yuqing-Event': notice.event,
            'X-Yuqing-Alert-Id': notice.alert.id,
          },
        });
      } catch (err) {
        throw smtpDeliveryError(err, notice, target);
      }
      if (info.rejected && info.rejected.length > 0 && (!info.accepted || info.accepted.length === 0)) {
        throw new DeliveryError(`SMTP 伺服器拒收收件人 ${target} (recipient rejected)`, {
          retryable: false,
          context: { channel: 'email', target, idempotencyKey: notice.idempotencyKey },
        });
      }
      log.debug({ idempotencyKey: notice.idempotencyKey, target, messageId }, '警示郵件已送出 (email sent)');
      return { detail: `${messageId} ${oneLineReply(info.response)}`.trim() };
    },
    async close(): Promise<void> {
      transport.close();
    },
  };
}

/** The email channel, set up from `channels.email`; credentials come from the named environment variables. */
export const emailNotifierKind = defineNotifier({
  channel: 'email',
  description: '電子郵件（SMTP）：zh-TW 純文字與 HTML 內容 (email over SMTP)',
  create(ctx) {
    const cfg = ctx.config.channels.email;
    if (!cfg) return undefined;
    const file = ctx.configFile ?? 'yuqing.yaml';
    const read = (name: string | undefined, key: string): string | undefined => {
      if (!name) return undefined;
      const value = ctx.env[name];
      if (!value) {
        throw new ConfigError('E_CONFIG_REF', [{ file, keyPath: `channels.email.smtp.${key}`, message: `環境變數 ${name} 未設定或為空 (environment variable not set)` }]);
      }
      return value;
    };
    const user = read(cfg.smtp.userEnv, 'userEnv');
    const pass = read(cfg.smtp.passwordEnv, 'passwordEnv');
    if ((user === undefined) !== (pass === undefined)) {
      throw new ConfigError('E_CONFIG_REF', [
        { file, keyPath: 'channels.email.smtp', message: 'userEnv 與 passwordEnv 須同時設定或同時省略 (set both userEnv and passwordEnv, or neither)' },
      ]);
    }
    return createEmailNotifier({
      smtp: cfg.smtp,
      from: cfg.from,
      ...(user !== undefined && pass !== undefined ? { auth: { user, pass } } : {}),
      clock: ctx.clock,
      log: ctx.log,
    });
  },
});

/**
 * `Message-ID` for a delivery: the same idempotency key always gives the same id, so a message
 * sent twice (crash between send and record) is recognisably one message. The readable part is
 * the key reduced to safe characters; the hash keeps ids distinct after that reduction.
 */
export function emailMessageId(idempotencyKey: string, domain: string): string {
  const hash = createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 16);
  return `<yuqing.${safeLocalPart(idempotencyKey)}.${hash}@${domain}>`;
}

/** The id every event of one alert refers to, so mail clients thread them. */
function alertThreadId(alertId: string, domain: string): string {
  const hash = createHash('sha256').update(alertId, 'utf8').digest('hex').slice(0, 16);
  return `<yuqing.alert.${safeLocalPart(alertId)}.${hash}@${domain}>`;
}

function safeLocalPart(text: string): string {
  return (
    text
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64) || 'x'
  );
}

/** The domain of the From address (`Name <a@b.example>` → `b.example`), `yuqing.invalid` when there is none. */
function addressDomain(from: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return m ? m[1]!.toLowerCase() : 'yuqing.invalid';
}

function oneLineReply(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** nodemailer error codes that mean the connection, not the message, failed. */
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * Whether an SMTP failure is worth retrying. Not retryable only for a 5xx reply to the envelope
 * (recipient/sender refused) or to the message data: the server said it will never take it.
 * 503 is excepted (bad command sequence: a session problem, not a verdict on the message).
 * Authentication and TLS failures stay retryable: they are configuration trouble an operator fixes,
 * and the alert must still go out afterwards.
 */
export function isRetryableSmtpError(err: unknown): boolean {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  if (code && CONNECTION_CODES.has(code)) return true;
  const permanent = reply !== undefined && reply >= 500 && reply <= 599 && reply !== 503;
  return !(permanent && (code === 'EENVELOPE' || code === 'EMESSAGE'));
}

function smtpDeliveryError(err: unknown, notice: AlertNotice, target: string): DeliveryError {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown };
  const retryable = isRetryableSmtpError(err);
  const why = retryable ? '暫時無法寄送，將重試' : '伺服器永久拒收，不再重試';
  return new DeliveryError(`SMTP ${why}：${errorMessage(err)} (email delivery failed)`, {
    retryable,
    cause: err,
    context: {
      channel: 'email',
      target,
      idempotencyKey: notice.idempotencyKey,
      smtpCode: typeof e.code === 'string' ? e.code : undefined,
      responseCode: typeof e.responseCode === 'number' ? e.responseCode : undefined,
    },
  });
}
