import type { RiskLevel } from '../core/types';

/**
 * The volume picture of one rule for one evaluation window, computed by src/spikes from
 * literal per-bucket counts. These are the variables a level condition (`when`) can use.
 */
export interface WindowSignal {
  ruleId: string;
  /** Window [start, end) in epoch ms. */
  windowStart: number;
  windowEnd: number;
  /** Mentions matching the rule in the window. */
  mentions: number;
  /** Expected mentions per window from the baseline period (mean rate × window length). */
  baseline: number;
  /** mentions / max(baseline, floor); 0 while warming up. */
  spikeRatio: number;
  /** Probability of seeing at least `mentions` if the baseline rate held (Poisson upper tail); 1 while warming up. */
  pValue: number;
  /** False until the baseline period has enough history (warm-up): spike variables stay neutral. */
  warm: boolean;
  /** Mentions in the window labelled negative, and their share of `mentions` (0 when none). */
  negative: number;
  negativeShare: number;
  /** Highest topic risk among the window's mentions. */
  risk: RiskLevel;
  /** Mentions in the window hitting a high-risk topic / a medium-or-higher-risk topic. */
  highRisk: number;
  mediumRisk: number;
  /** Mentions in the window per topic id. */
  topics: Record<string, number>;
}

/** What the detector needs per mention (one row per mention × matched rule). */
export interface RuleHitRow {
  mentionId: string;
  ruleId: string;
  /** Epoch ms used for bucketing (published time, clamped to fetch time). */
  atMs: number;
  negative: boolean;
  risk: RiskLevel;
  topics: string[];
}
