import { z } from 'zod';
import { DEFAULT_INDEX_PREFIX, INDEX_PREFIX_PATTERN } from '../store/elasticsearch/index-names';
import { envName } from './common';

/**
 * The `elasticsearch:` block of the main config (yuqing.yaml). When the block is present,
 * Elasticsearch is the mention index of record: mentions are spooled in SQLite and indexed in bulk;
 * when it is absent SQLite keeps the mentions. Secrets come from environment variables (`…Env`).
 * Mounted in the main schema as `elasticsearch: elasticsearchConfigSchema.optional()`.
 */
export const elasticsearchConfigSchema = z
  .strictObject({
    /** Node URL, e.g. `http://127.0.0.1:9200`. */
    url: z.url().optional(),
    /** Environment variable holding the URL instead (docker-compose sets one). */
    urlEnv: envName.optional(),
    /** Basic auth: environment variables holding the user name and the password. */
    usernameEnv: envName.optional(),
    passwordEnv: envName.optional(),
    /** API key auth (base64 `id:key`, as Kibana shows it): the environment variable holding it. */
    apiKeyEnv: envName.optional(),
    /** PEM file of the CA that signed the cluster's HTTP certificate (self-signed clusters), relative to the config file. */
    caFile: z.string().min(1).optional(),
    /**
     * Names are `<prefix>-mentions-YYYY.MM`, `<prefix>-mentions` (alias) and `<prefix>-alerts`. Change it only
     * to share a cluster between two Yuqing instances: the bundled Kibana dashboards use `yuqing`.
     */
    indexPrefix: z.string().regex(INDEX_PREFIX_PATTERN, { message: '只能用小寫英文字母、數字、- 與 _ (lower-case letters, digits, - and _)' }).default(DEFAULT_INDEX_PREFIX),
    /** Per-request timeout. */
    requestTimeoutMs: z.number().int().min(1_000).default(30_000),
    /** Days a monthly mention index is kept after its month ends; older ones are deleted by the daemon (no ILM needed). */
    retentionDays: z.number().int().min(1).default(400),
    bulk: z
      .strictObject({
        /** Documents per `_bulk` request at most. */
        maxDocs: z.number().int().min(1).max(10_000).default(500),
        /** Bytes of NDJSON per `_bulk` request at most (a single larger document is sent alone). */
        maxBytes: z.number().int().min(16_384).max(50 * 1024 * 1024).default(5 * 1024 * 1024),
        /** How often an empty spool is looked at again (newly stored mentions and alert changes wake the indexer at once). */
        idleMs: z.number().int().min(50).default(1_000),
      })
      .prefault({}),
    retry: z
      .strictObject({
        /** First wait after a failed request or a retryable item (429/503); doubles per failure. */
        initialBackoffMs: z.number().int().min(10).default(500),
        maxBackoffMs: z.number().int().min(100).default(30_000),
      })
      .prefault({}),
    /**
     * Spooled documents above which ingestion waits for the indexer while Elasticsearch is reachable
     * (backpressure). During an outage the spool keeps growing on disk instead: nothing waits, nothing is lost.
     */
    spoolHighWater: z.number().int().min(100).default(20_000),
  })
  .refine((c) => Boolean(c.url) !== Boolean(c.urlEnv), { message: '請擇一設定 url 或 urlEnv (set exactly one of url, urlEnv)' })
  .refine((c) => !(c.apiKeyEnv && (c.usernameEnv || c.passwordEnv)), { message: 'apiKeyEnv 與 usernameEnv/passwordEnv 只能擇一 (use either an API key or a user and password)' })
  .refine((c) => Boolean(c.usernameEnv) === Boolean(c.passwordEnv), { message: 'usernameEnv 與 passwordEnv 必須同時設定 (set both usernameEnv and passwordEnv)' });

export type ElasticsearchConfig = z.infer<typeof elasticsearchConfigSchema>;
