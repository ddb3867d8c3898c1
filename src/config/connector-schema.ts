import { z } from 'zod';
import cron from 'node-cron';
import { slug } from './common';

/**
 * One connector file = one source (connectors/<id>.yaml). The common keys are checked here;
 * `options` is checked by the kind's own schema (see src/connectors/registry.ts).
 */
export const connectorFileSchema = z.strictObject({
  id: slug,
  /** Connector kind, e.g. `rss`. */
  kind: z.string().min(1),
  /** Display name (optional). */
  name: z.string().optional(),
  enabled: z.boolean().default(true),
  /** Overrides the kind's source type (e.g. an `rss` connector reading a forum's feed is `forum`). */
  sourceType: z.enum(['news', 'forum', 'rss', 'social', 'other']).optional(),
  /** Site name shown in alerts when the items do not say it (default: the URL host). */
  site: z.string().optional(),
  /** node-cron expression in the configured time zone; five fields (or six with seconds). */
  schedule: z
    .string()
    .default('*/5 * * * *')
    .refine((s) => cron.validate(s), { message: '無效的排程 cron 表示式，例如 "*/5 * * * *" 代表每 5 分鐘 (invalid cron expression)' }),
  /** Kind-specific options. */
  options: z.record(z.string(), z.unknown()).default({}),
});

export type ConnectorFile = z.infer<typeof connectorFileSchema>;
