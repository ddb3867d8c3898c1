import { z } from 'zod';
import { envName, slug } from './common';
import { isValidTimeZone } from '../core/time';
import { elasticsearchConfigSchema } from './elasticsearch-schema';
import { ackLinksSchema, chatChannelsSchema, recipientChatSchema, sourceHealthSchema } from './alerting-schema';
import { allowPrivateHostsSchema, privacySchema } from './security-schema';

/**
 * The main config file (yuqing.yaml): storage, HTTP politeness, server, channels and recipients.
 * Secrets are never written here: keys ending in `Env` name the environment variable that holds them.
 * Every key is documented in the sample yuqing.yaml.
 */

const smtpSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** true = implicit TLS (port 465); false = STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  userEnv: envName.optional(),
  passwordEnv: envName.optional(),
  /** Refuse to send without TLS (recommended outside loopback). */
  requireTls: z.boolean().default(false),
});

const webhookSchema = z
  .strictObject({
    url: z.url().optional(),
    /** Environment variable holding the URL, for URLs that are themselves secrets (Slack, Teams). */
    urlEnv: envName.optional(),
    /** Environment variable holding the Standard Webhooks secret (`whsec_…` or any string). */
    secretEnv: envName.optional(),
    timeoutMs: z.number().int().min(100).default(15_000),
  })
  .refine((w) => Boolean(w.url) !== Boolean(w.urlEnv), { message: '請擇一設定 url 或 urlEnv (set exactly one of url, urlEnv)' });

const recipientSchema = z.strictObject({
  /** Display name, e.g. 公關主管. */
  name: z.string().optional(),
  email: z.array(z.email()).default([]),
  /** Names of webhooks under `channels.webhooks`. */
  webhooks: z.array(slug).default([]),
  /** Slack, Teams, Discord, LINE, Alertmanager targets and quiet hours (src/config/alerting-schema.ts). */
  ...recipientChatSchema,
});

export const mainConfigSchema = z.strictObject({
  /** IANA time zone used for schedules and for times shown to people. */
  timeZone: z
    .string()
    .default('Asia/Taipei')
    .refine(isValidTimeZone, { message: '未知的時區 (unknown IANA time zone)' }),
  /** Folders of connector and rule files, relative to this file. */
  paths: z
    .strictObject({
      connectors: z.string().default('connectors'),
      rules: z.string().default('rules'),
    })
    .prefault({}),
  storage: z
    .strictObject({
      /** SQLite state file, relative to this file. Holds mentions too unless Elasticsearch is configured. */
      sqlitePath: z.string().default('data/yuqing.db'),
      /** Days of mentions kept in SQLite. */
      retentionDays: z.number().int().min(1).default(400),
      /** Also keep fetched items that match no rule (off: only mentions of monitored clients are kept). */
      keepUnmatched: z.boolean().default(false),
    })
    .prefault({}),
  /** Elasticsearch as the mention index (optional; without it SQLite keeps the mentions). */
  elasticsearch: elasticsearchConfigSchema.optional(),
  http: z
    .strictObject({
      userAgent: z.string().min(1).default('Yuqing/0.1 (social listening; +https://github.com/yuqing-monitor/yuqing)'),
      timeoutMs: z.number().int().min(100).default(20_000),
      maxBodyBytes: z.number().int().min(1024).default(10 * 1024 * 1024),
      /** Minimum gap between two requests to the same host. */
      perHostIntervalMs: z.number().int().min(0).default(1_000),
      /** Retries after the first attempt for 429/5xx/network errors. */
      retries: z.number().int().min(0).max(10).default(2),
      maxRedirects: z.number().int().min(0).max(20).default(5),
      /** Non-public hosts connectors may fetch (names, addresses, CIDR ranges); default none (src/config/security-schema.ts). */
      allowPrivateHosts: allowPrivateHostsSchema,
      /** robots.txt, obeyed by the crawling connector kinds (ptt, dcard, html, reddit, discourse). */
      robotsTxt: z
        .strictObject({
          enabled: z.boolean().default(true),
          /** How long a fetched robots.txt is trusted (RFC 9309: at most 24 h). */
          cacheMs: z.number().int().min(60_000).max(86_400_000).default(86_400_000),
          /** A Crawl-delay longer than this counts as this. */
          maxCrawlDelayMs: z.number().int().min(0).default(60_000),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Per-source backoff after failed polls (src/pipeline/source-backoff.ts): jittered, doubling, capped. */
  polling: z
    .strictObject({
      failureBackoffMs: z.number().int().min(1_000).default(60_000),
      failureBackoffMaxMs: z.number().int().min(1_000).default(6 * 3_600_000),
      /** After a block (403, Cloudflare challenge): hours, not minutes. */
      blockedBackoffMs: z.number().int().min(60_000).default(6 * 3_600_000),
      blockedBackoffMaxMs: z.number().int().min(60_000).default(24 * 3_600_000),
    })
    .prefault({}),
  server: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8787),
      /** The status page at /status: open alerts and their red clock, acknowledge forms, volume, source health. */
      statusPage: z
        .strictObject({
          enabled: z.boolean().default(true),
          /** Answer clients other than this machine (the page has no login: only behind an authenticating proxy). */
          allowRemote: z.boolean().default(false),
          /** Days of per-rule volume in the charts. */
          days: z.number().int().min(3).max(60).default(14),
        })
        .prefault({}),
      /** Signed acknowledge links in notices, answered at /ack/… (optional). */
      ackLinks: ackLinksSchema.optional(),
      /**
       * Environment variable holding the token write requests must carry (`Authorization: Bearer …`
       * or HTTP Basic with the token as password). Required when `host` is not a loopback address.
       */
      writeTokenEnv: envName.optional(),
    })
    .prefault({}),
  detection: z
    .strictObject({
      /** node-cron expression for the detect + deliver cycle. */
      schedule: z.string().default('* * * * *'),
      /** Alerts about sources that keep failing or stop producing (src/config/alerting-schema.ts). */
      sources: sourceHealthSchema.prefault({}),
      /**
       * List the words that rose in a crisis alert's window (mention titles, jieba). The segmenter is
       * built at the first alert that needs it: ~0.3 s and 50–110 MiB resident from then on (bench/daemon-memory.ts).
       */
      risingTerms: z.boolean().default(true),
    })
    .prefault({}),
  delivery: z
    .strictObject({
      /** First retry delay; doubles per attempt up to maxBackoffMs. Retryable failures are retried until delivered. */
      initialBackoffMs: z.number().int().min(100).default(5_000),
      maxBackoffMs: z.number().int().min(1_000).default(30 * 60_000),
    })
    .prefault({}),
  channels: z
    .strictObject({
      email: z
        .strictObject({
          smtp: smtpSchema,
          from: z.string().min(3),
        })
        .optional(),
      webhooks: z.record(slug, webhookSchema).default({}),
      ...chatChannelsSchema,
      /** Non-public hosts the notifiers may post to (an on-prem Mattermost); default none. Separate from http.allowPrivateHosts. */
      allowPrivateHosts: allowPrivateHostsSchema,
    })
    .prefault({}),
  recipients: z.record(slug, recipientSchema).default({}),
  /** Redaction of personal data before storage and in alerts (off by default). */
  privacy: privacySchema.prefault({}),
});

export type MainConfig = z.infer<typeof mainConfigSchema>;
export type RecipientConfig = z.infer<typeof recipientSchema>;
export type WebhookConfig = z.infer<typeof webhookSchema>;
export type SmtpConfig = z.infer<typeof smtpSchema>;
