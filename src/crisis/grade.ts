/**
 * Grading a window: which crisis level (if any) a rule's conditions put it at.
 */
import type { RuleFile } from '../config/rule-schema';
import { ExpressionError } from '../core/errors';
import type { CrisisLevel } from '../core/types';
import type { WindowSignal } from '../spikes/types';
import { compileCondition, type CompiledCondition } from './expression';

/** One level of a rule with its condition compiled. Durations in ms. */
export interface CompiledLevel {
  level: CrisisLevel;
  when: CompiledCondition;
  sla: { respond: number; resolve: number };
  notify: string[];
}

/** A rule's levels, highest first (L3, L2, L1), only those the rule defines. */
export interface CompiledLevels {
  ruleId: string;
  levels: CompiledLevel[];
}

/** The level a window is graded at and the condition text that put it there. */
export interface Grade {
  level: CrisisLevel;
  condition: string;
}

const HIGHEST_FIRST: readonly CrisisLevel[] = ['L3', 'L2', 'L1'];

/**
 * Compiles every defined level's `when` against the rule's topic ids.
 *
 * @throws ExpressionError for the first level (highest first) whose condition does not compile;
 *   its context carries `level` (`L3`), `keyPath` (`levels.L3.when`) and `rule` so the config
 *   loader can point at the key, and `cause` is the original error.
 */
export function compileLevels(rule: Pick<RuleFile, 'id' | 'topics' | 'levels'>): CompiledLevels {
  const scope = { topics: Object.keys(rule.topics) };
  const levels: CompiledLevel[] = [];
  for (const level of HIGHEST_FIRST) {
    const config = rule.levels[level];
    if (!config) continue;
    let when: CompiledCondition;
    try {
      when = compileCondition(config.when, scope);
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      throw new ExpressionError(err.message, err.offset, {
        cause: err,
        context: { ...err.context, rule: rule.id, level, keyPath: `levels.${level}.when` },
      });
    }
    levels.push({ level, when, sla: { ...config.sla }, notify: [...config.notify] });
  }
  return { ruleId: rule.id, levels };
}

/**
 * The highest level whose condition holds, or `null` when none does. Because the highest wins,
 * a higher level mutes the lower ones (an L3 window is never also reported as L2).
 */
export function grade(levels: CompiledLevels, signal: WindowSignal): Grade | null {
  for (const l of levels.levels) {
    if (l.when.evaluate(signal)) return { level: l.level, condition: l.when.text };
  }
  return null;
}

/**
 * Topic ids whose own baseline a rule's levels need (`topic.<id>.spikeRatio`, `.zScore`,
 * `.baseline`); the detector computes per-topic baselines only for these.
 */
export function topicsWithSpikeFields(levels: CompiledLevels): string[] {
  const ids = new Set<string>();
  for (const l of levels.levels) {
    for (const v of l.when.variables) {
      const m = /^topic\.([^.]+)\.(spikeRatio|zScore|baseline)$/.exec(v);
      if (m) ids.add(m[1]!);
    }
  }
  return [...ids];
}
