import type { RuleFile } from '../config/rule-schema';
import type { Lang, Mention, Scoring } from '../core/types';
import { detectLang } from './language';
import type { Lexicon } from './lexicon';
import { compileMatcher, type Matcher } from './matcher';
import { normalizeForMatch } from './normalize';
import type { ExtraSentimentTerm, SentimentScorer } from './sentiment-common';
import { createEnSentiment } from './sentiment-en';
import { createZhSentiment } from './sentiment-zh';

/**
 * The scoring stage: a mention's rule hits (keywords, topics, risk) and its sentiment, from one
 * normalisation of its text. Built once per rule set; hot reload builds a new one.
 */

export interface ScorerOptions {
  rules: RuleFile[];
  lexicon: Lexicon;
}

export interface Scorer {
  /**
   * Score a mention: title and body are normalised once (joined by 「。」, so negation never
   * reaches from the title into the body), matched against every rule, and given a sentiment —
   * the Chinese lexicon scorer for `zh` and `other`, the English one for `en` — counting the
   * extra sentiment words of the rules that hit.
   */
  score(mention: Pick<Mention, 'title' | 'body' | 'lang'>): Scoring;
  /** Score free text (for `explain` and replays); the language is detected when not given. */
  scoreText(text: string, lang?: Lang): Scoring;
  readonly matcher: Matcher;
}

/**
 * Compile the rules and build both sentiment scorers.
 * @throws ConfigError when a rule term is unusable (see {@link compileMatcher}).
 */
export function createScorer(options: ScorerOptions): Scorer {
  const matcher = compileMatcher(options.rules);
  const extras: ExtraSentimentTerm[] = options.rules.flatMap((rule) => [
    ...rule.sentiment.positive.map((term) => ({ term, polarity: 'positive' as const, group: rule.id })),
    ...rule.sentiment.negative.map((term) => ({ term, polarity: 'negative' as const, group: rule.id })),
  ]);
  const { settings } = options.lexicon;
  const zh = createZhSentiment(options.lexicon, extras);
  const en = createEnSentiment({ extras, ruleTermWeight: settings.ruleTermWeight, neutralBand: settings.neutralBand });

  const scoreNormalised = (text: string, lang: Lang): Scoring => {
    const rules = matcher.match(text);
    const active = new Set(rules.map((r) => r.ruleId));
    const scorer: SentimentScorer = lang === 'en' ? en : zh;
    return { rules, sentiment: scorer.score(text, active) };
  };

  return {
    matcher,
    score(mention) {
      const joined = mention.body === '' ? mention.title : `${mention.title}。\n${mention.body}`;
      return scoreNormalised(normalizeForMatch(joined), mention.lang);
    },
    scoreText(text, lang) {
      return scoreNormalised(normalizeForMatch(text), lang ?? detectLang(text));
    },
  };
}
