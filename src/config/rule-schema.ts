import { z } from 'zod';
import { durationMs, slug, term } from './common';
import { baselineMethodSchema, escalateSchema, remindersSchema, seasonalitySchema, weeklyHotspotSchema } from './rule-alerting-schema';

/**
 * One rule file = one monitored client (rules/<id>.yaml). Every key is documented in
 * rules/example-clinic.yaml. Level conditions (`when`) are compiled and checked by the loader.
 */

const risk = z.enum(['low', 'medium', 'high']);

export const topicSchema = z
  .strictObject({
    /** Display name, e.g. 醫療糾紛. */
    name: z.string().optional(),
    risk,
    /** The topic is hit when any of these occurs … */
    terms: z.array(term).default([]),
    /** … or when this query (rule query language, see src/text/query) holds. */
    query: z.string().trim().min(1).optional(),
  })
  .refine((t) => t.terms.length > 0 || t.query !== undefined, { message: '至少要有一個詞（terms）或查詢（query） (at least one term or a query)', path: ['terms'] });

export const slaSchema = z.strictObject({
  respond: durationMs,
  resolve: durationMs,
});

export const levelSchema = z.strictObject({
  when: z.string().trim().min(1),
  sla: slaSchema,
  /** Recipient names from the main config's `recipients`. */
  notify: z.array(slug).min(1, { message: '至少要通知一位收件人 (at least one recipient)' }),
});

export const ruleFileSchema = z.strictObject({
  id: slug,
  name: z.string().trim().min(1),
  /** Optional free text shown in alerts. */
  description: z.string().optional(),
  match: z
    .strictObject({
      /** A mention belongs to the rule when it contains any of these … */
      any: z.array(term).default([]),
      /** … and every one of these (optional) … */
      all: z.array(term).default([]),
      /** … and none of these … */
      exclude: z.array(term).default([]),
      /** … and this query holds (rule query language: AND / OR / NOT, "phrases", NEAR/n, title: / body:). */
      query: z.string().trim().min(1).optional(),
    })
    .refine((m) => m.any.length > 0 || m.query !== undefined, { message: '至少要有一個監測詞（any）或查詢（query） (at least one term or a query)', path: ['any'] }),
  topics: z.record(slug, topicSchema).default({}),
  /** Extra sentiment words for this client, added to the shared lexicon for its mentions. */
  sentiment: z
    .strictObject({
      positive: z.array(term).default([]),
      negative: z.array(term).default([]),
    })
    .prefault({}),
  volume: z
    .strictObject({
      bucket: durationMs.prefault('15m'),
      window: durationMs.prefault('1h'),
      baseline: durationMs.prefault('14d'),
      minCount: z.number().int().min(1).default(5),
      warmup: durationMs.prefault('1d'),
      /** `robust` (winsorized daily totals) or `mean`; see src/spikes/baseline.ts. */
      method: baselineMethodSchema,
      /** `auto`: follow the hour of day (7+ days of history) and of the week (28+ days). */
      seasonality: seasonalitySchema,
    })
    .prefault({}),
  levels: z
    .strictObject({ L3: levelSchema.optional(), L2: levelSchema.optional(), L1: levelSchema.optional() })
    .refine((l) => l.L1 || l.L2 || l.L3, { message: '至少要定義 L1、L2、L3 其中一級 (define at least one level)' }),
  /** How long the conditions must stay false before the alert is resolved ("volume back to normal"). */
  cooldown: durationMs.prefault('2h'),
  /** Escalate an alert nobody acknowledged (seed 002: 升級機制). */
  escalate: escalateSchema.optional(),
  /** Red-clock reminders after an alert opened, while it is not resolved (e.g. [2h, 6h, 12h, 20h]). */
  reminders: remindersSchema.default([]),
  /** Same topic more than N times in a calendar week → a review alert (seed 002: 週報熱點). */
  weeklyHotspot: weeklyHotspotSchema.optional(),
});

export type RuleFile = z.infer<typeof ruleFileSchema>;
export type TopicConfig = z.infer<typeof topicSchema>;
export type LevelConfig = z.infer<typeof levelSchema>;
