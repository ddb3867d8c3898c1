import { resolve } from 'node:path';
import { loadRuleFile } from '../../config/load';
import type { Lang } from '../../core/types';
import { UsageError } from '../../core/errors';
import { defaultLexiconPath, loadLexicon } from '../../text/lexicon';
import { createScorer, type Scorer } from '../../text/scorer';
import type { Output } from '../output';
import { loadProjectOrReport } from '../project';

/** Options shared by `explain` and `score`: which rules and lexicon to score with. */
export interface TextScorerOptions {
  /** Rule files to use instead of the project's. */
  rules?: string[];
  /** Lexicon file (default: the project's, or the shipped one with --rules). */
  lexicon?: string;
}

/**
 * The scorer `explain` and `score` run: the given rule files (checked like `yuqing validate`
 * does, recipients aside) with the given or shipped lexicon, or else every rule of the project
 * named by `--config`. Returns undefined after printing the problems when the files are invalid.
 * @throws ConfigError for an unreadable or invalid rule or lexicon file given with --rules/--lexicon.
 */
export function loadTextScorer(configPath: string, opts: TextScorerOptions, out: Output): Scorer | undefined {
  if (opts.rules && opts.rules.length > 0) {
    const rules = opts.rules.map((file) => loadRuleFile(resolve(file)).config);
    const lexicon = loadLexicon(opts.lexicon ? resolve(opts.lexicon) : defaultLexiconPath());
    return createScorer({ rules, lexicon });
  }
  const project = loadProjectOrReport(configPath, out);
  if (!project) return undefined;
  const lexicon = opts.lexicon ? loadLexicon(resolve(opts.lexicon)) : project.lexicon;
  return createScorer({ rules: project.rules.map((r) => r.config), lexicon });
}

/** `--lang zh|en|other`, or undefined to detect. @throws UsageError for another value. */
export function parseLang(value: string | undefined): Lang | undefined {
  if (value === undefined) return undefined;
  if (value === 'zh' || value === 'en' || value === 'other') return value;
  throw new UsageError(`--lang 只能是 zh、en 或 other，而不是「${value}」 (unknown language)`);
}
