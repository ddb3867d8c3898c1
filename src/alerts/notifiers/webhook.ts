import type { WebhookConfig } from '../../config/main-schema';
import type { Clock } from '../../core/clock';
import { ConfigError, DeliveryError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { HttpClient } from '../../http/types';
import { renderWebhookPayload } from '../render/webhook-payload';
import type { AlertNotice } from '../types';
import { signWebhook, webhookSecretBytes } from '../webhook-signature';
import { defineNotifier, type DeliveryReceipt, type Notifier } from './define';
import { postJson, resolveEndpoint } from './post-json';

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
 * The outcome of each answer (delivered / retryable / not) follows the table in `post-json.ts`.
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

      const { status } = await postJson(options.http, { url: hook.url, body, headers, timeoutMs: hook.timeoutMs, redactUrl: hook.secretUrl, context, label: 'Webhook' });
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
  const endpoint = resolveEndpoint(cfg, env, file, `channels.webhooks.${name}`);
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
  return { url: endpoint.url, ...(secret ? { secret } : {}), timeoutMs: endpoint.timeoutMs, secretUrl: endpoint.secretUrl };
}
