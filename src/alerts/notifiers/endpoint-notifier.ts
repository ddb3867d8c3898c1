import type { Clock } from '../../core/clock';
import { DeliveryError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { HttpClient } from '../../http/types';
import type { AlertNotice, ChannelKind } from '../types';
import type { DeliveryReceipt, Notifier, NotifierContext } from './define';
import { postJson, resolveEndpoint, type ResolvedEndpoint } from './post-json';

/**
 * The common shape of the chat and incident channels that POST JSON to a configured URL (Slack,
 * Teams, Discord, Alertmanager): endpoints by name, one JSON body per notice, the outcome table of
 * `post-json.ts`. Each channel file supplies only its body and its quirks.
 */
export interface EndpointChannel {
  channel: ChannelKind;
  /** How the channel is called in messages (`Slack`). */
  label: string;
  /** The body for one notice to one named endpoint, and extra headers. */
  render(notice: AlertNotice, target: string, nowMs: number): { body: unknown; headers?: Record<string, string> };
  /** Adjust the URL (Discord adds `?wait=true`). */
  url?(url: string): string;
  /** Check the receiver's 2xx answer (Slack answers `ok`); throw a DeliveryError when it is not an acceptance. */
  accept?(status: number, text: string, context: Record<string, unknown>): void;
}

export interface EndpointNotifierOptions {
  endpoints: Record<string, ResolvedEndpoint>;
  http: HttpClient;
  userAgent: string;
  clock: Clock;
  log: Logger;
}

/** A notifier for an {@link EndpointChannel}. */
export function createEndpointNotifier(spec: EndpointChannel, options: EndpointNotifierOptions): Notifier {
  const log = options.log.child({ component: 'notifier', channel: spec.channel });
  return {
    channel: spec.channel,
    async send(notice: AlertNotice, target: string): Promise<DeliveryReceipt> {
      const endpoint = options.endpoints[target];
      const context = { channel: spec.channel, target, idempotencyKey: notice.idempotencyKey };
      if (!endpoint) throw new DeliveryError(`未設定名為「${target}」的 ${spec.label} 通道 (unknown ${spec.channel} target)`, { retryable: false, context });
      const { body, headers } = spec.render(notice, target, options.clock.now());
      const res = await postJson(options.http, {
        url: spec.url ? spec.url(endpoint.url) : endpoint.url,
        body: JSON.stringify(body),
        headers: { 'user-agent': options.userAgent, 'x-yuqing-idempotency-key': notice.idempotencyKey, ...headers },
        timeoutMs: endpoint.timeoutMs,
        redactUrl: endpoint.secretUrl,
        context,
        label: spec.label,
      });
      spec.accept?.(res.status, res.text, context);
      log.debug({ ...context, status: res.status }, `${spec.label} 已送達 (delivered)`);
      return { detail: `HTTP ${res.status}` };
    },
  };
}

/**
 * Build an endpoint notifier from `channels.<key>` (a record of `{ url | urlEnv, timeoutMs }`), or
 * undefined when none is configured.
 * @throws ConfigError naming the key when a URL's environment variable is missing or not http(s)
 */
export function endpointNotifierFromConfig(spec: EndpointChannel, key: 'slack' | 'teams' | 'discord' | 'alertmanager', ctx: NotifierContext): Notifier | undefined {
  const entries = Object.entries(ctx.config.channels[key]);
  if (entries.length === 0) return undefined;
  const file = ctx.configFile ?? 'yuqing.yaml';
  const endpoints: Record<string, ResolvedEndpoint> = {};
  for (const [name, cfg] of entries) endpoints[name] = resolveEndpoint(cfg, ctx.env, file, `channels.${key}.${name}`);
  return createEndpointNotifier(spec, { endpoints, http: ctx.http, userAgent: ctx.config.http.userAgent, clock: ctx.clock, log: ctx.log });
}
