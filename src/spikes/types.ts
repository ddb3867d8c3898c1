import type { RiskLevel } from '../core/types';
import type { BaselineMethod, SeasonalProfile } from './baseline';

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
  /**
   * Standard deviations above the baseline: (mentions − expected) ÷ √(φ·expected), φ ≥ 1 being how
   * bursty the rule's days are (1 = Poisson). 0 while gated like `spikeRatio`.
   */
  zScore: number;
  /**
   * Growth between consecutive buckets: mentions in the latest bucket minus those in the bucket
   * before it (per `volume.bucket`; negative when slowing). 0 below `minCount`.
   */
  velocity: number;
  /** How the baseline was estimated (absent in alerts recorded before it was reported). */
  baselineInfo?: BaselineInfo;
  /** Per-topic volume for the topics whose spike variables a level uses (`topic.<id>.spikeRatio` …). */
  topicSignals?: Record<string, TopicSignal>;
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

/** How a window's baseline was reached (for alert text and `yuqing alerts show`). */
export interface BaselineInfo {
  /** `robust` or `mean` as actually used (robust falls back to the mean on short history). */
  method: BaselineMethod;
  /** Time-of-day shape applied: none, hour of day, or hour of week. */
  profile: SeasonalProfile;
  /** Whole days of observed history in the baseline period. */
  days: number;
  /** Variance ÷ mean of a window count (1 = Poisson). */
  dispersion: number;
}

/** One topic's volume in the window against its own baseline. Spike values are 0 while gated. */
export interface TopicSignal {
  mentions: number;
  baseline: number;
  spikeRatio: number;
  zScore: number;
}
