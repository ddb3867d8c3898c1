import type { WebhookConfig } from '../../config/main-schema';
import type { Clock } from '../../core/clock';
import { ConfigError, DeliveryError, HttpError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { HttpClient } from '../../http/types';
import { renderWebhookPayload } from '../render/webhook-payload';
import type { AlertNotice } from '../types';
import { signWebhook, webhookSecretBytes } from '../webhook-signature';
import { defineNotifier, type DeliveryReceipt, type Notifier } from './define';

/** Response bodies of receivers are not used; a small cap keeps a misbehaving one from costing memory. */
const WEBHOOK_MAX_RESPONSE_BYTES = 256 * 1024;

/** One configured webhook with its secrets resolved. */
export interface ResolvedWebhook {
  url: string;
  /** Standard Webhooks secret (`whsec_…` or any string); unsigned deliveries when absent. */
  secret?: string;
  timeoutMs: number;
  /** The URL is itself a secret (it came from an environment variable): never shown in errors or logs. */
  secretUrl: boolean;
}

/** What {@link createWebhookNotifier} needs; URLs and secrets already resolved. */
export interface WebhookNotifierOptions {
  /** By webhook name (the `target` of a delivery). */
  webhooks: Record<string, ResolvedWebhook>;
  http: HttpClient;
  userAgent: string;
  clock: Clock;
  log: Logger;
}

/**
 * POSTs the JSON payload (see WebhookPayload) through the shared HTTP client with Standard Webhooks
 * headers: `webhook-id` (= idempotency key), `webhook-timestamp` (send time, Unix seconds) and, when a
 * secret is configured, `webhook-signature` over the exact body bytes. No retries inside the
 * request, no politeness wait, no redirects: the outbox owns retrying.
 *
 * Outcome table (what the outbox does next):
 *
 * | receiver answer                          | result                               |
 * |------------------------------------------|--------------------------------------|
 * | 2xx                                      | delivered                            |
 * | 410 Gone                                 | not retryable (endpoint retired)     |
 * | 408, 429, 5xx                            | retryable, Retry-After passed on     |
 * | timeout, network error                   | retryable                            |
 * | 3xx (redirects are not followed)         | not retryable                        |
 * | other 4xx (403 included)                 | not retryable                        |
 */
export function createWebhookNotifier(options: WebhookNotifierOptions): Notifier {
  const log = options.log.child({ component: 'notifier', channel: 'webhook' });
  return {
    channel: 'webhook',
    async send(notice: AlertNotice, target: string): Promise<DeliveryReceipt> {
      const hook = options.webhooks[target];
      const context = { channel: 'webhook', target, idempotencyKey: notice.idempotencyKey };
      if (!hook) throw new DeliveryError(`未設定名為「${target}」的 webhook (unknown webhook)`, { retryable: false, context });

      const body = JSON.stringify(renderWebhookPayload(notice));
      const timestampSec = Math.floor(options.clock.now() / 1000);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': options.userAgent,
        'webhook-id': notice.idempotencyKey,
        'webhook-timestamp': String(timestampSec),
      };
      if (hook.secret) headers['webhook-signature'] = signWebhook({ secret: hook.secret, msgId: notice.idempotencyKey, timestampSec, body });

      let status: number;
      try {
        const res = await options.http.request(hook.url, {
          method: 'POST',
          body,
          headers,
          retries: 0,
          polite: false,
          followRedirects: false,
          conditional: false,
          timeoutMs: hook.timeoutMs,
          maxBodyBytes: WEBHOOK_MAX_RESPONSE_BYTES,
          redactUrl: hook.secretUrl,
        });
        status = res.status;
      } catch (err) {
        throw webhookDeliveryError(err, context);
      }
      // The client also resolves 304; for a POST that is not an acceptance.
      if (status < 200 || status > 299) {
        throw new DeliveryError(`Webhook 回應 HTTP ${status}，視為失敗，不再重試 (unexpected status)`, { retryable: false, context: { ...context, status } });
      }
      log.debug({ ...context, status }, 'Webhook 已送達 (webhook delivered)');
      return { detail: `HTTP ${status}` };
    },
  };
}

/** The webhook channel, set up from `channels.webhooks`; URLs (`urlEnv`) and secrets (`secretEnv`) may come from the environment. */
export const webhookNotifierKind = defineNotifier({
  channel: 'webhook',
  description: 'Webhook（Standard Webhooks 簽章的 JSON POST）(signed JSON webhooks)',
  create(ctx) {
    const entries = Object.entries(ctx.config.channels.webhooks);
    if (entries.length === 0) return undefined;
    const file = ctx.configFile ?? 'yuqing.yaml';
    const webhooks: Record<string, ResolvedWebhook> = {};
    for (const [name, cfg] of entries) webhooks[name] = resolveWebhook(name, cfg, ctx.env, file);
    return createWebhookNotifier({ webhooks, http: ctx.http, userAgent: ctx.config.http.userAgent, clock: ctx.clock, log: ctx.log });
  },
});

/**
 * Resolve one webhook's URL and secret from the config and the environment.
 * @throws ConfigError (E_CONFIG_REF) when a named environment variable is missing, the URL is not
 * http(s), or the secret is empty.
 */
export function resolveWebhook(name: string, cfg: WebhookConfig, env: Record<string, string | undefined>, file: string): ResolvedWebhook {
  const problem = (key: string, message: string): ConfigError => new ConfigError('E_CONFIG_REF', [{ file, keyPath: `channels.webhooks.${name}.${key}`, message }]);
  let url = cfg.url;
  if (cfg.urlEnv) {
    url = env[cfg.urlEnv];
    if (!url) throw problem('urlEnv', `環境變數 ${cfg.urlEnv} 未設定或為空 (environment variable not set)`);
  }
  const parsed = url && URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    // Never echo a URL that came from the environment: it may be the secret itself.
    throw problem(cfg.urlEnv ? 'urlEnv' : 'url', '網址必須是 http(s) 網址 (must be an http(s) URL)');
  }
  let secret: string | undefined;
  if (cfg.secretEnv) {
    secret = env[cfg.secretEnv];
    if (!secret) throw problem('secretEnv', `環境變數 ${cfg.secretEnv} 未設定或為空 (environment variable not set)`);
    try {
      webhookSecretBytes(secret);
    } catch (cause) {
      throw new ConfigError('E_CONFIG_REF', [{ file, keyPath: `channels.webhooks.${name}.secretEnv`, message: `${errorMessage(cause)}` }], { cause });
    }
  }
  return { url: parsed.href, ...(secret ? { secret } : {}), timeoutMs: cfg.timeoutMs, secretUrl: Boolean(cfg.urlEnv) };
}

/** Map an HTTP failure to a DeliveryError following the outcome table above. */
function webhookDeliveryError(err: unknown, context: Record<string, unknown>): DeliveryError {
  if (!(err instanceof HttpError)) {
    // Not an answer from the receiver (a bug, a cancellation): keep the alert and try again later.
    return new DeliveryError(`Webhook 傳送發生非預期錯誤，將重試：${errorMessage(err)} (unexpected error)`, { retryable: true, cause: err, context });
  }
  const ctx = { ...context, status: err.status, code: err.code };
  const status = err.status;
  if (err.code === 'E_HTTP_TIMEOUT' || err.code === 'E_HTTP_NETWORK') {
    return new DeliveryError(`Webhook 連線失敗或逾時，將重試 (${err.code})`, { retryable: true, cause: err, context: ctx });
  }
  if (status === undefined) {
    // E_HTTP_REDIRECT / E_HTTP_TOO_LARGE without a status: the exchange did not succeed as asked.
    return new DeliveryError(`Webhook 傳送失敗 (${err.code})`, { retryable: err.code !== 'E_HTTP_REDIRECT', cause: err, context: ctx });
  }
  if (status === 410) {
    return new DeliveryError('Webhook 接收端已停用（HTTP 410 Gone），不再重試；請檢查設定 (endpoint gone)', { retryable: false, cause: err, context: ctx });
  }
  if (status === 408 || status === 429 || (status >= 500 && status <= 599)) {
    return new DeliveryError(`Webhook 接收端暫時無法處理（HTTP ${status}），將重試 (temporary failure)`, {
      retryable: true,
      ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
      cause: err,
      context: ctx,
    });
  }
  if (status >= 300 && status <= 399) {
    return new DeliveryError(`Webhook 回應重新導向（HTTP ${status}），不跟隨、不再重試 (redirects are not followed)`, { retryable: false, cause: err, context: ctx });
  }
  return new DeliveryError(`Webhook 拒絕了這次傳送（HTTP ${status}），不再重試 (rejected)`, { retryable: false, cause: err, context: ctx });
}
