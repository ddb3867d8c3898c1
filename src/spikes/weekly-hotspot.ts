import type { WeeklyHotspotConfig } from '../config/rule-alerting-schema';

/**
 * The weekly hot-spot (seed 002, 週報熱點): the same topic (tag) in more than N mentions within one
 * calendar week is a systemic problem worth a review, even when no single hour looked like a crisis.
 * Pure: the caller counts the current calendar week (see `localWeekStart`).
 */

/** One topic's count this week and whether it crossed the threshold. */
export interface HotspotCount {
  topic: string;
  count: number;
  hot: boolean;
}

/** The topic ids a hot-spot block watches: every topic for `any`, else the ones named. */
export function watchedTopics(config: WeeklyHotspotConfig, ruleTopics: readonly string[]): string[] {
  if (config.topic === 'any') return [...ruleTopics];
  return Array.isArray(config.topic) ? [...config.topic] : [config.topic];
}

/**
 * Each watched topic's count this week and whether it is more than `config.moreThan`, in the order
 * watched. `counts` are mentions per topic since the week began (a mention counts once per topic,
 * however many of the topic's terms it hit); a topic missing from it counts 0.
 */
export function assessHotspots(counts: Readonly<Record<string, number>>, config: WeeklyHotspotConfig, ruleTopics: readonly string[]): HotspotCount[] {
  return watchedTopics(config, ruleTopics).map((topic) => {
    const count = counts[topic] ?? 0;
    return { topic, count, hot: count > config.moreThan };
  });
}
