import { z } from 'zod';
import { isValidTimeZone } from '../core/time';
import { durationMs, envName, slug } from './common';

/**
 * Alerting parts of the main config (yuqing.yaml): chat channels, quiet hours, signed ack links and
 * source-health alerts. Mounted in `main-schema.ts`; every key is documented in the sample yuqing.yaml.
 * Secrets (tokens, webhook URLs that are themselves secrets, the ack-link key) come from environment
 * variables named by `…Env` keys.
 */

const level = z.enum(['L1', 'L2', 'L3']);

/** A webhook-style endpoint whose URL may be a secret (Slack, Teams Workflows, Discord, Alertmanager receivers). */
export const postEndpointSchema = z
  .strictObject({
    url: z.url().optional(),
    /** Environment variable holding the URL (Slack, Teams and Discord URLs carry their own secret). */
    urlEnv: envName.optional(),
    timeoutMs: z.number().int().min(100).default(15_000),
  })
  .refine((w) => Boolean(w.url) !== Boolean(w.urlEnv), { message: '請擇一設定 url 或 urlEnv (set exactly one of url, urlEnv)' });

/** LINE Messaging API (push). One Official Account per daemon; recipients name LINE user/group/room ids. */
export const lineChannelSchema = z.strictObject({
  /** Environment variable holding the channel access token (long-lived or v2.1). */
  tokenEnv: envName,
  /** API origin; only tests and proxies change it. */
  apiBaseUrl: z.url().default('https://api.line.me'),
  timeoutMs: z.number().int().min(100).default(15_000),
});

/** `HH:MM`, 24-hour clock. */
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: '請寫成 24 小時制的 HH:MM，例如 22:00 (time of day as HH:MM)' });

/**
 * A recipient's quiet hours: notices of L1 and L2 alerts wait until `to`; L3 is never held back.
 * `from` later than `to` spans midnight (22:00–07:00). Days are every day.
 */
export const quietHoursSchema = z
  .strictObject({
    from: clockTime,
    to: clockTime,
    /** Zone of `from`/`to` (default: the main config's `timeZone`, Asia/Taipei). */
    timeZone: z.string().refine(isValidTimeZone, { message: '未知的時區 (unknown IANA time zone)' }).optional(),
  })
  .refine((q) => q.from !== q.to, { message: 'from 與 to 不可相同 (from and to must differ)' });

/** A LINE push target: user (U…), group (C…) or room (R…) id. */
export const lineTargetSchema = z.string().regex(/^[UCR][0-9a-f]{32}$/, { message: 'LINE 的 userId／groupId／roomId（U、C 或 R 開頭加 32 個十六進位字元）(a LINE user, group or room id)' });

/**
 * Channels a recipient can be reached on besides email and the generic webhook. Optional (absent =
 * none) rather than defaulted, so code that builds recipients by hand need not list them.
 */
export const recipientChatSchema = {
  /** Names under `channels.slack`. */
  slack: z.array(slug).optional(),
  /** Names under `channels.teams`. */
  teams: z.array(slug).optional(),
  /** Names under `channels.discord`. */
  discord: z.array(slug).optional(),
  /** LINE ids to push to (needs `channels.line`). */
  line: z.array(lineTargetSchema).optional(),
  /** Names under `channels.alertmanager`. */
  alertmanager: z.array(slug).optional(),
  quietHours: quietHoursSchema.optional(),
};

/** Chat and incident channels of `channels:` besides email and webhooks. */
export const chatChannelsSchema = {
  slack: z.record(slug, postEndpointSchema).default({}),
  teams: z.record(slug, postEndpointSchema).default({}),
  discord: z.record(slug, postEndpointSchema).default({}),
  line: lineChannelSchema.optional(),
  alertmanager: z.record(slug, postEndpointSchema).default({}),
};

/**
 * Signed acknowledge links in every notice, served by the daemon's HTTP server at `/ack/…`. The
 * link carries the alert id, the recipient and an expiry, signed with HMAC-SHA256.
 */
export const ackLinksSchema = z.strictObject({
  /** Public origin (and optional path prefix) the server is reached at, e.g. `https://yuqing.clinic.example`. */
  baseUrl: z.url(),
  /** Environment variable holding the signing key (at least 32 characters). */
  secretEnv: envName,
  /** How long a link stays valid after the notice is built. */
  ttl: durationMs.prefault('7d'),
});

/** Per-source override of the health thresholds; `off` turns that check off. */
const sourceOverrideSchema = z.strictObject({
  failingAfter: z.union([z.literal('off'), durationMs]).optional(),
  silentAfter: z.union([z.literal('off'), durationMs]).optional(),
});

/**
 * Alerts about the sources themselves: one that keeps failing (or is blocked) for `failingAfter`,
 * or stops producing new items for `silentAfter`, is an alert of its own (kind `source`).
 */
export const sourceHealthSchema = z.strictObject({
  failingAfter: z.union([z.literal('off'), durationMs]).prefault('1h'),
  silentAfter: z.union([z.literal('off'), durationMs]).prefault('3d'),
  level: level.default('L1'),
  /** Respond / resolve deadlines (default the seeds' L1: 1h / 24h). */
  sla: z.strictObject({ respond: durationMs, resolve: durationMs }).prefault({ respond: '1h', resolve: '24h' }),
  /** Recipients (main config `recipients`); empty = recorded and shown in `yuqing alerts list`, nobody notified. */
  notify: z.array(slug).default([]),
  /** Escalate when nobody acknowledged within this long (optional). */
  escalate: z.strictObject({ unacknowledgedAfter: z.union([z.literal('respond'), durationMs]).prefault('respond'), notify: z.array(slug).min(1) }).optional(),
  /** Connector id → thresholds of its own (a quiet Google Alerts feed may stay silent for weeks). */
  overrides: z.record(slug, sourceOverrideSchema).default({}),
});

export type PostEndpointConfig = z.infer<typeof postEndpointSchema>;
export type LineChannelConfig = z.infer<typeof lineChannelSchema>;
export type QuietHoursConfig = z.infer<typeof quietHoursSchema>;
export type AckLinksConfig = z.infer<typeof ackLinksSchema>;
export type SourceHealthConfig = z.infer<typeof sourceHealthSchema>;
