import { createHash } from 'node:crypto';
import type { LineChannelConfig } from '../../config/alerting-schema';
import type { Clock } from '../../core/clock';
import { ConfigError, DeliveryError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { HttpClient } from '../../http/types';
import { buildAlertFacts } from '../render/alert-facts';
import { chatSummary, renderChatText } from '../render/chat-text';
import type { AlertNotice } from '../types';
import { defineNotifier, type DeliveryReceipt, type Notifier } from './define';
import { postJson } from './post-json';

/** LINE's limit on one text message, in characters. */
export const LINE_TEXT_MAX = 5000;

/**
 * The `X-Line-Retry-Key` of a delivery: a UUID derived from the idempotency key, so every retry of
 * one delivery (even after a restart) carries the same key and LINE runs it at most once.
 */
export function lineRetryKey(idempotencyKey: string): string {
  const h = createHash('sha256').update(idempotencyKey, 'utf8').digest('hex');
  // Shaped as a version-4 UUID (version and variant bits set) so any UUID parser accepts it.
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface LineNotifierOptions {
  config: LineChannelConfig;
  /** The channel access token, already read from the environment. Never logged. */
  token: string;
  http: HttpClient;
  userAgent: string;
  clock: Clock;
  log: Logger;
}

/**
 * LINE Messaging API push (`POST /v2/bot/message/push`) to a user, group or room id; LINE Notify
 * was discontinued on 2025-03-31 and is not supported. One text message (the chat summary, at most
 * 5000 characters). Every attempt carries the same `X-Line-Retry-Key`; LINE answers 409 to a retry
 * whose earlier attempt was accepted, which counts as delivered. A 401 (expired or revoked token) is
 * retried, so alerts wait in the outbox until an operator renews the token; other 4xx (the id has
 * not added the Official Account, bad request) are not.
 */
export function createLineNotifier(options: LineNotifierOptions): Notifier {
  const log = options.log.child({ component: 'notifier', channel: 'line' });
  const url = `${options.config.apiBaseUrl.replace(/\/+$/, '')}/v2/bot/message/push`;
  return {
    channel: 'line',
    async send(notice: AlertNotice, target: string): Promise<DeliveryReceipt> {
      const context = { channel: 'line', target, idempotencyKey: notice.idempotencyKey };
      if (!/^[UCR][0-9a-f]{32}$/.test(target)) throw new DeliveryError(`LINE 收件對象 ${target} 不是有效的 id (invalid LINE id)`, { retryable: false, context });
      const text = renderChatText(chatSummary(buildAlertFacts(notice, { nowMs: options.clock.now() })), LINE_TEXT_MAX);
      const res = await postJson(options.http, {
        url,
        body: JSON.stringify({ to: target, messages: [{ type: 'text', text }], notificationDisabled: false }),
        headers: { authorization: `Bearer ${options.token}`, 'x-line-retry-key': lineRetryKey(notice.idempotencyKey), 'user-agent': options.userAgent },
        timeoutMs: options.config.timeoutMs,
        redactUrl: false,
        context,
        label: 'LINE',
        acceptStatus: (status) => status === 409,
        retryStatus: (status) => status === 401,
      });
      log.debug({ ...context, status: res.status }, 'LINE 已送達 (delivered)');
      return { detail: res.status === 409 ? 'HTTP 409（先前的嘗試已被接受）' : `HTTP ${res.status}` };
    },
  };
}

/** The LINE channel, set up from `channels.line`; the token comes from `tokenEnv`. */
export const lineNotifierKind = defineNotifier({
  channel: 'line',
  description: 'LINE Messaging API 推播（push，需加入官方帳號好友或群組）(LINE push)',
  create(ctx) {
    const cfg = ctx.config.channels.line;
    if (!cfg) return undefined;
    const token = ctx.env[cfg.tokenEnv];
    if (!token) throw new ConfigError('E_CONFIG_REF', [{ file: ctx.configFile ?? 'yuqing.yaml', keyPath: 'channels.line.tokenEnv', message: `環境變數 ${cfg.tokenEnv} 未設定或為空 (environment variable not set)` }]);
    return createLineNotifier({ config: cfg, token, http: ctx.http, userAgent: ctx.config.http.userAgent, clock: ctx.clock, log: ctx.log });
  },
});
