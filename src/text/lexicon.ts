import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { term } from '../config/common';
import { readYamlFile, parseYamlText, validateYaml, type YamlFile } from '../config/yaml-file';
import { normalizeForMatch } from './normalize';

/**
 * The shared Chinese sentiment lexicon (rules/lexicons/sentiment.zh-TW.yaml): an editable file,
 * validated by one zod schema. Every key is explained in the sample file itself.
 */

const weighted = z.strictObject({
  term,
  /** Strength of the word, 0 < weight ≤ 5; the list it is in gives the sign. */
  weight: z.number().positive().max(5),
});

const intensifier = z.strictObject({
  term,
  /** Factor applied to the next sentiment word: > 1 strengthens (很), < 1 softens (有點). */
  multiplier: z.number().positive().max(4),
});

const settings = z.strictObject({
  /** Most characters allowed between a negator/intensifier and the word it modifies. */
  modifierWindowChars: z.number().int().min(0).max(10).default(3),
  /** A negated word counts as −weight × this (「不專業」 is milder than 「很不專業」). */
  negationFactor: z.number().positive().max(1).default(0.75),
  /** Raw sums are squashed with tanh(sum / scale) into [−1, 1]. */
  scale: z.number().positive().default(4),
  /** |score| below this is labelled neutral. */
  neutralBand: z.number().min(0).max(0.9).default(0.15),
  /** Weight of the extra words a rule file adds (`sentiment.positive/negative`). */
  ruleTermWeight: z.number().positive().max(5).default(2),
  /** Words before a contrast marker (and in a concession clause) count × this. */
  contrastBefore: z.number().min(0).max(1).default(0.5),
  /** Words after a contrast marker, to the end of its sentence, count × this. */
  contrastAfter: z.number().min(1).max(3).default(1.5),
  /** Words in a question without a rhetorical marker count × this. */
  questionFactor: z.number().min(0).max(1).default(0.3),
  /** A rhetorical question without any sentiment word counts this much, negative. */
  rhetoricalWeight: z.number().min(0).max(5).default(1.5),
});

export const lexiconSchema = z
  .strictObject({
    /** Optional description shown by `yuqing validate`. */
    description: z.string().optional(),
    positive: z.array(weighted).default([]),
    negative: z.array(weighted).default([]),
    negators: z.array(term).default([]),
    intensifiers: z.array(intensifier).default([]),
    /** Contrast markers: the clause after them weighs more (但是, 不過, 可是). */
    contrast: z.array(term).default([]),
    /** Concession markers: their clause weighs less (雖然, 儘管). */
    concession: z.array(term).default([]),
    /** Rhetorical-question markers: a question containing one reads as negative (難道, 這樣也叫). */
    rhetorical: z.array(term).default([]),
    /** Words that contain a sentiment word or a modifier but mean neither (雷射, 推出, 特別). */
    neutral: z.array(term).default([]),
    settings: settings.prefault({}),
  })
  .superRefine((lex, ctx) => {
    // A word may appear once across all lists: its meaning must be unambiguous. Compared after
    // normalisation, because that is how the scorer sees them (醫療 and 医疗 are the same word).
    const firstSeen = new Map<string, string>();
    const check = (list: 'positive' | 'negative' | 'negators' | 'intensifiers' | 'contrast' | 'concession' | 'rhetorical' | 'neutral', index: number, written: string, path: (string | number)[]) => {
      const norm = normalizeForMatch(written);
      const where = `${list}[${index}]`;
      if (norm === '') {
        ctx.addIssue({ code: 'custom', path, message: `「${written}」正規化後是空字串 (empty after normalisation)` });
        return;
      }
      const earlier = firstSeen.get(norm);
      if (earlier !== undefined) {
        ctx.addIssue({ code: 'custom', path, message: `「${written}」與 ${earlier} 重複（正規化後相同）(duplicate of ${earlier})` });
        return;
      }
      firstSeen.set(norm, where);
    };
    lex.positive.forEach((w, i) => check('positive', i, w.term, ['positive', i, 'term']));
    lex.negative.forEach((w, i) => check('negative', i, w.term, ['negative', i, 'term']));
    lex.negators.forEach((w, i) => check('negators', i, w, ['negators', i]));
    lex.intensifiers.forEach((w, i) => check('intensifiers', i, w.term, ['intensifiers', i, 'term']));
    lex.contrast.forEach((w, i) => check('contrast', i, w, ['contrast', i]));
    lex.concession.forEach((w, i) => check('concession', i, w, ['concession', i]));
    lex.rhetorical.forEach((w, i) => check('rhetorical', i, w, ['rhetorical', i]));
    lex.neutral.forEach((w, i) => check('neutral', i, w, ['neutral', i]));
  });

export type Lexicon = z.infer<typeof lexiconSchema>;
export type LexiconSettings = Lexicon['settings'];

/**
 * Read and validate a lexicon file (synchronous: it is read once at start-up and on reload).
 * @throws ConfigError — E_CONFIG_IO when unreadable, E_CONFIG_YAML on syntax errors,
 *   E_CONFIG_SCHEMA on invalid content; every problem names the file, key path and line.
 */
export function loadLexicon(path: string): Lexicon {
  return validateLexicon(readYamlFile(path));
}

/**
 * Validate lexicon YAML text that came from `displayPath` (for tests and hot reload).
 * @throws ConfigError as {@link loadLexicon}.
 */
export function parseLexicon(text: string, displayPath: string): Lexicon {
  return validateLexicon(parseYamlText(text, displayPath));
}

function validateLexicon(file: YamlFile): Lexicon {
  return validateYaml(file, lexiconSchema);
}

const LEXICON_RELATIVE = join('rules', 'lexicons', 'sentiment.zh-TW.yaml');
let packageRoot: string | undefined;

/**
 * Absolute path of the lexicon shipped with the package. Found by walking up from this module to
 * the directory holding our package.json, so it works from `src/text` (ts-jest, tsx) and from
 * compiled `dist/` alike.
 */
export function defaultLexiconPath(): string {
  packageRoot ??= findPackageRoot(__dirname);
  return join(packageRoot, LEXICON_RELATIVE);
}

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'yuqing') return dir;
    if (dirname(dir) === dir) break;
  }
  // Not inside our package (bundled somewhere unusual): the conventional layout two levels up.
  return join(start, '..', '..');
}
