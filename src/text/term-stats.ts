import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Jieba } from '@node-rs/jieba';
import { Converter } from 'opencc-js';
import { defaultLexiconPath } from './lexicon';
import { normalizeForMatch } from './normalize';

/**
 * Term statistics for alerts: which words rose most in the current window against the baseline
 * ("what is driving the spike"). Words come from segmenting the mentions with jieba, with the
 * rule terms added as a user dictionary so 「範例診所」 or 「王大明醫師」 stay one word.
 *
 * jieba's dictionary is Simplified Chinese, and our normalised text is Traditional: a text is
 * converted to Simplified for segmentation only (opencc-js, Taiwan → mainland), and when the
 * conversion keeps its length — nearly always — the words are cut from the Traditional text at the
 * same positions, so the statistics speak the user's spelling.
 */

/** Splits texts into the words worth counting. */
export interface TermSegmenter {
  /** Distinct countable words of a text (normalised, Traditional): stop words, numbers, punctuation and single characters left out. */
  terms(text: string): string[];
}

/** One word that rose in the window. */
export interface RisingTerm {
  term: string;
  /** Window mentions containing the word. */
  count: number;
  /** Mentions expected to contain it at the baseline rate. */
  expected: number;
  /** count ÷ expected (expected floored at 0.5). */
  ratio: number;
  /** (count − expected) ÷ √(expected + 1): how unusual the rise is; the ranking key. */
  score: number;
}

export interface RisingTermsOptions {
  /** Number of mentions in the window. */
  windowDocs: number;
  /** Number of mentions in the baseline. */
  baselineDocs: number;
  /** At most this many terms (default 8). */
  limit?: number;
  /** A term needs at least this many window mentions (default 2). */
  minCount?: number;
  /** … and at least this ratio to its expected count (default 1.5): steady words are not news. */
  minRatio?: number;
}

/**
 * Words whose share of mentions rose most in the window, best first. Pure: counts in, ranking out.
 * Both maps count *mentions containing the word* (see {@link countDocuments}), so one post
 * repeating a word fifty times does not drive the ranking. The baseline rate is smoothed
 * ((c + 0.5) / (n + 1)), so a word never seen before needs more than one mention to rank.
 */
export function risingTerms(window: ReadonlyMap<string, number>, baseline: ReadonlyMap<string, number>, opts: RisingTermsOptions): RisingTerm[] {
  const limit = opts.limit ?? 8;
  const minCount = opts.minCount ?? 2;
  const minRatio = opts.minRatio ?? 1.5;
  const out: RisingTerm[] = [];
  for (const [term, count] of window) {
    if (count < minCount) continue;
    const expected = (((baseline.get(term) ?? 0) + 0.5) / (opts.baselineDocs + 1)) * opts.windowDocs;
    if (count < expected * minRatio) continue;
    const score = (count - expected) / Math.sqrt(expected + 1);
    out.push({ term, count, expected: round(expected), ratio: round(count / Math.max(expected, 0.5)), score: round(score) });
  }
  return out.sort((a, b) => b.score - a.score || b.count - a.count || a.term.localeCompare(b.term)).slice(0, limit);
}

/** Mentions containing each word: `docs` are the word lists of single mentions. */
export function countDocuments(docs: Iterable<readonly string[]>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const words of docs) for (const w of new Set(words)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

/** Words of many texts, then {@link risingTerms}: the window's texts against the baseline's. */
export function risingTermsInTexts(segmenter: TermSegmenter, windowTexts: readonly string[], baselineTexts: readonly string[], limit?: number): RisingTerm[] {
  const window = countDocuments(windowTexts.map((t) => segmenter.terms(normalizeForMatch(t))));
  const baseline = countDocuments(baselineTexts.map((t) => segmenter.terms(normalizeForMatch(t))));
  return risingTerms(window, baseline, { windowDocs: windowTexts.length, baselineDocs: baselineTexts.length, ...(limit !== undefined ? { limit } : {}) });
}

let jiebaDict: Uint8Array | undefined;
let toSimplified: ((s: string) => string) | undefined;

/** Path of the shipped stop-word list (one word per line, `#` comments). */
export function defaultStopwordsPath(): string {
  return join(defaultLexiconPath(), '..', 'stopwords.zh-TW.txt');
}

/** Stop words from a file: one per line, blank lines and `#` comments ignored, normalised. */
export function loadStopwords(path: string = defaultStopwordsPath()): Set<string> {
  const words = new Set<string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const w = line.replace(/#.*/, '').trim();
    if (w !== '') words.add(normalizeForMatch(w));
  }
  return words;
}

/**
 * A segmenter with `userTerms` (rule terms, as written) as whole words. Loading jieba's dictionary
 * takes ~200 ms, so build one per rule set and reuse it.
 */
export function createTermSegmenter(userTerms: readonly string[], stopwords: ReadonlySet<string> = loadStopwords()): TermSegmenter {
  jiebaDict ??= (require('@node-rs/jieba/dict') as { dict: Uint8Array }).dict;
  toSimplified ??= Converter({ from: 'tw', to: 'cn' });
  const simplify = toSimplified;
  const jieba = Jieba.withDict(jiebaDict);
  const user = [...new Set(userTerms.map((t) => normalizeForMatch(t)).filter((t) => t !== '' && !/\s/.test(t)))];
  // A high frequency makes jieba keep the word whole whatever its dictionary says.
  if (user.length > 0) jieba.loadDict(Buffer.from(user.map((t) => `${simplify(t)} 100000 n`).join('\n')));
  const keep = (w: string) => countable(w) && !stopwords.has(w);

  return {
    terms(text) {
      const simple = simplify(text);
      const pieces = jieba.cut(simple, false);
      const words: string[] = [];
      if (simple.length === text.length) {
        // Same length: cut the Traditional text at the same places.
        let at = 0;
        for (const p of pieces) {
          words.push(text.slice(at, at + p.length));
          at += p.length;
        }
      } else {
        words.push(...jieba.cut(text, false));
      }
      return [...new Set(words.map((w) => w.trim()).filter(keep))];
    },
  };
}

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;

/** A word worth counting: two or more Han characters, or a Latin word of three letters or more. */
function countable(w: string): boolean {
  if (HAN.test(w)) return [...w].length >= 2 && !/^[\d\s\p{P}\p{S}]+$/u.test(w);
  return /^[a-z][a-z0-9'-]{2,}$/.test(w);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
