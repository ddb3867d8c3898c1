/**
 * The text stage: normalisation, mentions, one-pass matching and sentiment. Other stages import
 * from here; the files behind it are free to change.
 */
export { normalizeForMatch } from './normalize';
export { htmlToText, stripTags } from './html-to-text';
export { canonicalUrl, tryCanonicalUrl, isTrackingParam } from './canonical-url';
export { detectLang, LANG_SAMPLE_CHARS } from './language';
export { toMention, mentionId, MAX_BODY_CHARS, MAX_TITLE_CHARS, type MentionSource } from './to-mention';
export { AhoCorasick, type AcMatch, type AcPattern, type AcVisitor } from './aho-corasick';
export { hasTermBoundaries } from './term-boundary';
export { compileMatcher, type Matcher } from './matcher';
export { lexiconSchema, loadLexicon, parseLexicon, defaultLexiconPath, type Lexicon, type LexiconSettings } from './lexicon';
export { type ExtraSentimentTerm, type SentimentScorer } from './sentiment-common';
export { createZhSentiment, ZH_SENTIMENT_METHOD } from './sentiment-zh';
export { createEnSentiment, EN_SENTIMENT_METHOD, type EnSentimentOptions } from './sentiment-en';
export { createScorer, type Scorer, type ScorerOptions } from './scorer';
