import type { RuleFile } from '../config/rule-schema';
import type { Lang, Mention, Scoring, Sentiment } from '../core/types';
import { FusedPass } from './fused-pass';
import { detectLang } from './language';
import type { Lexicon } from './lexicon';
import { BODY_ONLY, compileRuleSet, type MatchedSpan, type RuleExplanation, type RuleSet, type TextFields } from './matcher';
import { normalizeForMatch, normalizeTitled, normalizeWithOffsets, normalizeWithOffsetsTransient, originalRange, type NormalizedText } from './normalize';
import type { ExtraSentimentTerm } from './sentiment-common';
import { createEnSentiment } from './sentiment-en';
import { compileZhSentiment } from './sentiment-zh';
import { TermIndexBuilder, type TermIndex } from './term-index';
import { codesToString } from './unit-buffer';

/**
 * The scoring stage: a mention's rule hits (keywords, queries, topics, risk) and its sentiment,
 * from one normalisation and one automaton scan of its text. Rule terms, query terms, topic terms
 * and the Chinese lexicon share the automaton. Built once per rule set.
 *
 * Two routes lead to the same result. `score` and `scoreText` take the fused one: one pass folds,
 * converts, counts language classes and records sentence ends (fused-pass.ts), the automaton
 * scans its units, and rules and sentiment work from what was recorded. Texts that pass cannot
 * handle, and `explain` (which needs offsets), take the modular one: normalize.ts, then the scan,
 * rules and sentiment from the normalised string. The equivalence tests compare the two.
 */

export interface ScorerOptions {
  rules: RuleFile[];
  lexicon: Lexicon;
}

/** Text to explain: a body, optionally a title (for `title:`/`body:` queries), optionally a language. */
export interface ExplainInput {
  title?: string;
  body: string;
  lang?: Lang;
}

/** A matched span in the text as written (offsets into {@link ScoreExplanation.text}). */
export interface OriginalSpan extends MatchedSpan {
  /** The characters as written in the input. */
  written: string;
}

/** Everything `yuqing explain` shows. */
export interface ScoreExplanation {
  /** The text that was scored, as written (title and body joined by 「。」 and a line break). */
  text: string;
  /** Its normalised form, as the matcher saw it. */
  normalised: string;
  lang: Lang;
  scoring: Scoring;
  /** Every rule one of whose terms occurs (matched or not), with spans in {@link text}. */
  rules: Array<Omit<RuleExplanation, 'spans'> & { spans: OriginalSpan[] }>;
}

export interface Scorer {
  /**
   * Score a mention: title and body are joined by 「。」 and a line break (so negation never
   * reaches from the title into the body), normalised once, scanned once, matched against every
   * rule (`title:`/`body:` queries see the two parts), and given a sentiment — the Chinese lexicon
   * scorer for `zh` and `other`, the English one for `en` — counting the extra sentiment words of
   * the rules that hit.
   */
  score(mention: Pick<Mention, 'title' | 'body' | 'lang'>): Scoring;
  /** Score free text (all of it body); the language is detected when not given. */
  scoreText(text: string, lang?: Lang): Scoring;
  /** Score and explain: which rules matched and why not, with spans in the original text. */
  explain(input: ExplainInput): ScoreExplanation;
  /** Distinct normalised words in the shared automaton (rule terms plus lexicon). */
  readonly termCount: number;
  readonly ruleIds: readonly string[];
}

/**
 * Compile the rules and the lexicon into one term index and build both sentiment scorers.
 * @throws ConfigError when a rule term is unusable or a query does not parse (see compileRuleSet).
 */
export function createScorer(options: ScorerOptions): Scorer {
  const builder = new TermIndexBuilder();
  const rules: RuleSet = compileRuleSet(options.rules, builder);
  const extras: ExtraSentimentTerm[] = options.rules.flatMap((rule) => [
    ...rule.sentiment.positive.map((term) => ({ term, polarity: 'positive' as const, group: rule.id })),
    ...rule.sentiment.negative.map((term) => ({ term, polarity: 'negative' as const, group: rule.id })),
  ]);
  const { settings } = options.lexicon;
  const zh = compileZhSentiment(options.lexicon, extras, builder);
  const en = createEnSentiment({ extras, ruleTermWeight: settings.ruleTermWeight, neutralBand: settings.neutralBand });
  const index: TermIndex = builder.build();

  const run = (text: string, fields: TextFields, lang: Lang): Scoring => {
    const occ = index.scan(text);
    const hits = rules.match(text, occ, fields);
    const active = hits.length === 0 ? NO_RULES : new Set(hits.map((r) => r.ruleId));
    const sentiment: Sentiment = lang === 'en' ? en.score(text, active) : zh.score(text, occ, active);
    return { rules: hits, sentiment };
  };

  // The fused route, after pass.run(...) succeeded: the same steps from the pass's units.
  const pass = new FusedPass();
  // The normalised text as a string only for what reads one (queries, the English scorer), and
  // the set of rules in force only when rules add sentiment words (nothing else asks).
  const withExtras = extras.length > 0;
  const runPassed = (fields: TextFields, lang: Lang): Scoring => {
    const { units, length } = pass;
    const occ = index.scanUnits(units, length);
    const text = rules.hasQueries || lang === 'en' ? codesToString(units, length) : '';
    const hits = rules.match(text, occ, fields);
    const active = hits.length === 0 || !withExtras ? NO_RULES : new Set(hits.map((r) => r.ruleId));
    const sentiment: Sentiment = lang === 'en' ? en.score(text, active) : zh.scoreUnits(units, length, occ, pass.closers, pass.closerCount, active);
    return { rules: hits, sentiment };
  };

  return {
    termCount: index.size,
    ruleIds: rules.ruleIds,
    score(mention) {
      const { text, titleLength } = join(mention.title, mention.body);
      if (titleLength < 0) {
        if (pass.run(text, -1, false)) return runPassed(BODY_ONLY, mention.lang);
        return run(normalizeForMatch(text), BODY_ONLY, mention.lang);
      }
      if (titleLength >= text.length) {
        if (pass.run(text, -1, false)) return runPassed({ titleEnd: pass.length, bodyStart: pass.length }, mention.lang);
        const all = normalizeForMatch(text);
        return run(all, { titleEnd: all.length, bodyStart: all.length }, mention.lang);
      }
      if (pass.run(text, titleLength, false)) return runPassed({ titleEnd: pass.titleEnd, bodyStart: pass.bodyStart }, mention.lang);
      // Where the title ends, without offsets for nearly every text; with them when the
      // conversion could change lengths.
      const titled = normalizeTitled(text, titleLength);
      if (titled) return run(titled.text, { titleEnd: titled.titleEnd, bodyStart: titled.bodyStart }, mention.lang);
      const n = normalizeWithOffsetsTransient(text);
      return run(n.text, fieldsOf(n, titleLength, text.length), mention.lang);
    },
    scoreText(text, lang) {
      if (pass.run(text, -1, lang === undefined)) return runPassed(BODY_ONLY, lang ?? pass.lang ?? detectLang(text));
      return run(normalizeForMatch(text), BODY_ONLY, lang ?? detectLang(text));
    },
    explain(input) {
      const { text, titleLength } = join(input.title ?? '', input.body);
      const n = normalizeWithOffsets(text);
      const fields = fieldsOf(n, titleLength, text.length);
      const lang = input.lang ?? detectLang(text);
      const scoring = run(n.text, fields, lang);
      const explained = rules.explain(n.text, index.scan(n.text), fields).map((r) => ({
        ...r,
        spans: r.spans.map((s) => {
          const o = originalRange(n, s.start, s.end);
          return { ...s, start: o.start, end: o.end, written: text.slice(o.start, o.end) };
        }),
      }));
      return { text, normalised: n.text, lang, scoring, rules: explained };
    },
  };
}

const SEAM = '。\n';

/** Active groups of a text no rule hits (most texts): no set to build. */
const NO_RULES: ReadonlySet<string> = new Set();

/** Title and body as one text; `titleLength` is -1 when there is no title (all body). */
function join(title: string, body: string): { text: string; titleLength: number } {
  if (title === '') return { text: body, titleLength: -1 };
  if (body === '') return { text: title, titleLength: title.length };
  return { text: `${title}${SEAM}${body}`, titleLength: title.length };
}

/** Where the title ends and the body starts in the normalised text. */
function fieldsOf(n: NormalizedText, titleLength: number, textLength: number): TextFields {
  if (titleLength < 0) return { titleEnd: 0, bodyStart: 0 };
  if (titleLength >= textLength) return { titleEnd: n.text.length, bodyStart: n.text.length };
  // Units from the title end at or before its length; units from the body start after the seam.
  return { titleEnd: firstIndex(n.end, titleLength, true), bodyStart: firstIndex(n.start, titleLength + SEAM.length, false) };
}

/**
 * Binary search over a non-decreasing array: with `after` false, the first index whose value is
 * ≥ `limit`; with `after` true, the first index whose value is > `limit`.
 */
function firstIndex(values: Int32Array, limit: number, after: boolean): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const v = values[mid]!;
    if (after ? v <= limit : v < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
