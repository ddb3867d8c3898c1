import { z } from 'zod';
import { durationMs, slug } from './common';

/**
 * Alerting parts of a rule file (rules/<id>.yaml): escalation, the red-clock reminders and the
 * weekly hot-spot. Mounted in `rule-schema.ts`; documented key by key in rules/example-clinic.yaml.
 */

/**
 * Escalation of an alert nobody acknowledged: `respond` = when the level's respond deadline passes
 * (the seeds' SLA), or a duration after the alert opened (or was re-opened by an upgrade).
 */
export const escalateSchema = z.strictObject({
  unacknowledgedAfter: z.union([z.literal('respond'), durationMs]).prefault('respond'),
  /** Who hears about it (main config `recipients`), e.g. the director. */
  notify: z.array(slug).min(1, { message: '至少要通知一位收件人 (at least one recipient)' }),
});

/**
 * The red clock (seed 002: T+2 / T+6 / T+12 / T+20): reminders at these offsets after the alert
 * opened, to everyone notified so far, while it is not resolved.
 */
export const remindersSchema = z.array(durationMs).max(12, { message: '提醒最多 12 個時間點 (at most 12 reminders)' });

/**
 * The weekly hot-spot (seed 002): the same topic in more than `moreThan` mentions within one
 * calendar week (Monday 00:00 to Sunday 24:00, main config time zone) opens a review alert.
 */
export const weeklyHotspotSchema = z.strictObject({
  /** `any` = every topic of the rule, each counted on its own; or one topic id, or a list. */
  topic: z.union([z.literal('any'), slug, z.array(slug).min(1)]).default('any'),
  moreThan: z.number().int().min(1).default(5),
  /** Level of the review alert: its deadlines, and its recipients unless `notify` is given. */
  level: z.enum(['L1', 'L2', 'L3']).default('L1'),
  notify: z.array(slug).min(1, { message: '至少要通知一位收件人 (at least one recipient)' }).optional(),
});

/** How the volume baseline is estimated (see src/spikes/baseline.ts). */
export const baselineMethodSchema = z.enum(['robust', 'mean']).default('robust');
/** Whether the baseline follows the hour of day / day of week once history allows. */
export const seasonalitySchema = z.enum(['auto', 'off']).default('auto');

export type EscalateConfig = z.infer<typeof escalateSchema>;
export type WeeklyHotspotConfig = z.infer<typeof weeklyHotspotSchema>;
