/**
 * The text stage: normalisation, mentions, one-pass matching and sentiment. Other stages import
 * from here; the files behind it are free to change.
 */
export { normalizeForMatch, normalizeWithOffsets, originalRange, type NormalizedText } from './normalize';
export { htmlToText, stripTags } from './html-to-text';
export { canonicalUrl, tryCanonicalUrl, isTrackingParam } from './canonical-url';
export { detectLang, LANG_SAMPLE_CHARS } from './language';
export { toMention, mentionId, MAX_BODY_CHARS, MAX_TITLE_CHARS, type MentionSource } from './to-mention';
export { AhoCorasick, type AcMatch, type AcPattern, type AcVisitor } from './aho-corasick';
export { hasTermBoundaries } from './term-boundary';
export { compileMatcher, compileRuleSet, BODY_ONLY, type Matcher, type RuleSet, type RuleExplanation, type MatchedSpan, type TextFields } from './matcher';
export { TermIndex, TermIndexBuilder, type Occurrences } from './term-index';
export { parseQuery, type CompiledQuery, type QueryNode, type QueryTerm } from './query/query-parser';
export { lexiconSchema, loadLexicon, parseLexicon, defaultLexiconPath, type Lexicon, type LexiconSettings } from './lexicon';
export { type ExtraSentimentTerm, type SentimentScorer } from './sentiment-common';
export { createZhSentiment, compileZhSentiment, ZH_SENTIMENT_METHOD, type ZhSentiment } from './sentiment-zh';
export { createEnSentiment, EN_SENTIMENT_METHOD, type EnSentimentOptions } from './sentiment-en';
export { createScorer, type Scorer, type ScorerOptions, type ExplainInput, type ScoreExplanation, type OriginalSpan } from './scorer';
export { createTermSegmenter, risingTerms, risingTermsInTexts, countDocuments, loadStopwords, defaultStopwordsPath, type TermSegmenter, type RisingTerm, type RisingTermsOptions } from './term-stats';
