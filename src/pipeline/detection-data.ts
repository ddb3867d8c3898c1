import type { HitRow } from '../store/mentions-repo';
import type { StateStore } from '../store/state-store';

/**
 * What the detectors read about a rule's mentions, whoever keeps them: the SQLite state store in
 * the daemon, an in-memory index in `yuqing backtest`. The same evaluation code runs on both, so a
 * backtest fires what the daemon would have fired. Times are epoch ms, ranges half-open.
 */
export interface DetectionData {
  /** The rule's hits in [fromMs, toMs), oldest first. */
  hitsBetween(ruleId: string, fromMs: number, toMs: number): HitRow[];
  /** The rule's hits per bucket over [fromMs, toMs), oldest first. */
  bucketCounts(ruleId: string, fromMs: number, toMs: number, bucketMs: number): number[];
  /** The same, counting only hits of one topic. */
  topicBucketCounts(ruleId: string, topic: string, fromMs: number, toMs: number, bucketMs: number): number[];
  /** Mentions of the rule in [fromMs, toMs) hitting each of `topics` (0 for none). */
  topicCounts(ruleId: string, topics: readonly string[], fromMs: number, toMs: number): Record<string, number>;
  /** When observation of the rule began (recorded as `nowMs` the first time it is asked, in the daemon). */
  historyStart(ruleId: string, nowMs: number): number;
}

/** The daemon's DetectionData: the state store's hits table and rule state. */
export function storeDetectionData(store: StateStore): DetectionData {
  return {
    hitsBetween: (ruleId, fromMs, toMs) => store.mentions.hitsBetween(ruleId, fromMs, toMs),
    bucketCounts: (ruleId, fromMs, toMs, bucketMs) => store.mentions.bucketCounts(ruleId, fromMs, toMs, bucketMs),
    topicBucketCounts: (ruleId, topic, fromMs, toMs, bucketMs) => store.mentions.topicBucketCounts(ruleId, topic, fromMs, toMs, bucketMs),
    topicCounts: (ruleId, topics, fromMs, toMs) => store.mentions.topicCounts(ruleId, topics, fromMs, toMs),
    historyStart: (ruleId, nowMs) => store.ruleState.historyStart(ruleId, nowMs),
  };
}
