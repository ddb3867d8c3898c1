import type { EvolveResult } from '../alerts/lifecycle';
import type { AlertRecord, RisingTermFact } from '../alerts/types';
import type { LoadedRule } from '../config/load';
import { windowRanges } from '../spikes/window-ranges';
import type { MentionsRepo } from '../store/mentions-repo';
import { normalizeForMatch } from '../text/normalize';
import { createTermSegmenter, risingTermsInTexts, type TermSegmenter } from '../text/term-stats';

/** Baseline titles read at most (the newest): enough for stable rates, bounded work per alert. */
export const BASELINE_TITLES = 5_000;
/** Words an alert lists. */
export const RISING_TERMS_LIMIT = 8;

/**
 * Finds the words that rose in a window's mention titles against the baseline's: "what is driving
 * the spike", beyond the rule's own terms. Titles because both stores keep them (the evidence of
 * every hit), with or without Elasticsearch. The segmenter (jieba, every rule's terms as whole
 * words) takes ~0.3 s and 50–110 MiB resident, so it is built at the first alert that needs it,
 * not at start.
 */
export class RisingTermsFinder {
  private segmenter: TermSegmenter | undefined;

  constructor(private readonly userTerms: readonly string[]) {}

  /** Every term of the rules as written: match terms and topic terms stay whole words. */
  static forRules(rules: readonly LoadedRule[]): RisingTermsFinder {
    const terms = rules.flatMap((r) => [...r.config.match.any, ...r.config.match.all, ...Object.values(r.config.topics).flatMap((t) => t.terms)]);
    return new RisingTermsFinder([...new Set(terms)]);
  }

  /** The words that rose most, best first; `skip` (as written) are never listed. */
  find(windowTitles: readonly string[], baselineTitles: readonly string[], skip: readonly string[] = []): RisingTermFact[] {
    this.segmenter ??= createTermSegmenter(this.userTerms);
    const skipped = new Set(skip.map((t) => normalizeForMatch(t)));
    return risingTermsInTexts(this.segmenter, windowTitles, baselineTitles, RISING_TERMS_LIMIT + skipped.size)
      .filter((t) => !skipped.has(t.term))
      .slice(0, RISING_TERMS_LIMIT)
      .map((t) => ({ term: t.term, count: t.count, expected: t.expected }));
  }
}

/**
 * A rule evaluation's result with the rising words on its alert: found when the alert opens or goes
 * up a level (the notices that describe the window), carried over otherwise, so escalations and
 * reminders show the words of the moment it got worse.
 */
export function withRisingTerms(
  finder: RisingTermsFinder,
  store: Pick<MentionsRepo, 'titlesBetween'>,
  rule: LoadedRule,
  evaluation: { result: EvolveResult; hits: ReadonlyArray<{ evidence: { title: string } }> },
  current: AlertRecord | undefined,
  nowMs: number,
): EvolveResult {
  const { result } = evaluation;
  const alert = result.alert;
  if (!alert?.drivers) return result;
  let rising: RisingTermFact[] | undefined;
  if (result.events.some((e) => e.type === 'opened' || e.type === 'upgraded')) {
    const ranges = windowRanges(nowMs, rule.config.volume);
    const baseline = store.titlesBetween(rule.config.id, ranges.baselineStartMs, ranges.windowStartMs, BASELINE_TITLES);
    // The rule's own match terms are in every mention it counts: their rise is the spike itself, not news.
    rising = finder.find(evaluation.hits.map((h) => h.evidence.title), baseline, [...rule.config.match.any, ...rule.config.match.all]);
  } else {
    rising = current?.id === alert.id ? current.drivers?.risingTerms : undefined;
  }
  // Unchanged: keep the very object, so an evaluation that changed nothing still writes nothing.
  if (rising === undefined || rising === alert.drivers.risingTerms) return result;
  return { ...result, alert: { ...alert, drivers: { ...alert.drivers, risingTerms: rising } } };
}
