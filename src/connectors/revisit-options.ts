import { z } from 'zod';
import { durationMs } from '../config/common';
import type { RevisitPolicy } from './define';

/**
 * The `revisit:` block shared by the forum kinds (ptt, dcard, html with a detail page, reddit,
 * discourse): how long and how often a stored item is looked at again for engagement, edits and
 * deletion. Each revisit is one more request to the source, so the defaults are sparse.
 */
export const revisitOptionsSchema = z
  .strictObject({
    /** Revisit at all (default true). */
    enabled: z.boolean().default(true),
    /** When, after an item was first stored; the last entry ends the revisits. */
    after: z.array(durationMs).min(1).max(20).prefault(['30m', '2h', '6h', '24h', '48h']),
    /** Revisits per poll at most. */
    maxPerPoll: z.number().int().min(1).max(100).default(5),
  })
  .prefault({});

export type RevisitOptions = z.output<typeof revisitOptionsSchema>;

/** The policy for a kind's Revisitor, or undefined when turned off. */
export function revisitPolicy(options: RevisitOptions): RevisitPolicy | undefined {
  if (!options.enabled) return undefined;
  return { afterMs: [...options.after].sort((a, b) => a - b), maxPerPoll: options.maxPerPoll };
}
