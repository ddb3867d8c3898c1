import type { RuleFile } from '../config/rule-schema';
import { ConfigError, type ConfigProblem } from '../core/errors';
import { RISK_ORDER, type RiskLevel, type RuleHit, type TopicHit } from '../core/types';
import { AhoCorasick } from './aho-corasick';
import { normalizeForMatch } from './normalize';
import { hasTermBoundaries } from './term-boundary';

/**
 * Keyword matching for every rule at once. All terms of all rules (`match.any`, `match.all`,
 * `match.exclude`, topic terms) go into one automaton over their normalised forms; a text is
 * scanned once and only the rules touched by a found term are evaluated.
 */

/** Compiled rules; reusable for any number of texts. */
export interface Matcher {
  /** Rule ids in the order given to {@link compileMatcher}. */
  readonly ruleIds: readonly string[];
  /** Distinct normalised terms in the automaton. */
  readonly termCount: number;
  /**
   * The rules a text hits, in rule order. A rule hits when one of its `any` terms occurs, every
   * `all` term occurs and no `exclude` term occurs. `terms` lists the matched `any`/`all` terms,
   * `topics` the topics with at least one term present (with their terms), all as written in the
   * rule file and in file order; `risk` is the highest topic risk, `none` without topics.
   * Latin-script terms must stand on word boundaries; CJK terms match as substrings.
   *
   * @param normalisedText text already passed through {@link normalizeForMatch}.
   */
  match(normalisedText: string): RuleHit[];
}

const ANY = 0;
const ALL = 1;
const EXCLUDE = 2;
const TOPIC = 3;
type Role = typeof ANY | typeof ALL | typeof EXCLUDE | typeof TOPIC;

/** One rule's use of one normalised term (several spellings may normalise alike). */
interface TermUse {
  rule: number;
  role: Role;
  /** Topic index within the rule, -1 for the match block. */
  topic: number;
  /** Spellings as written in the rule file, with their position for stable ordering. */
  written: { text: string; order: number }[];
}

interface CompiledRule {
  id: string;
  /** Distinct normalised `all` terms: the rule needs every one of them. */
  allCount: number;
  topics: { id: string; risk: RiskLevel }[];
}

interface RuleState {
  any: boolean;
  all: number;
  excluded: boolean;
  terms: { text: string; order: number }[];
  topics: Map<number, { text: string; order: number }[]>;
}

/**
 * Compile rule files into one {@link Matcher}. Cost is linear in the total length of the terms.
 * @throws ConfigError E_CONFIG_SCHEMA when a term is empty after normalisation (e.g. only
 *   zero-width characters), E_CONFIG_REF when two rules share an id. Problems are located as
 *   `規則 <id>` plus the key path, since the matcher never sees file names.
 */
export function compileMatcher(rules: readonly RuleFile[]): Matcher {
  const termIndex = new Map<string, number>();
  const uses: TermUse[][] = [];
  const compiled: CompiledRule[] = [];
  const schemaProblems: ConfigProblem[] = [];
  const refProblems: ConfigProblem[] = [];
  const ids = new Set<string>();

  const add = (written: string, keyPath: string, rule: number, role: Role, topic: number, order: number): string | undefined => {
    const norm = normalizeForMatch(written);
    if (norm === '') {
      schemaProblems.push({ file: `規則 ${compiled[rule]!.id}`, keyPath, message: `「${written}」正規化後是空字串，無法比對 (term is empty after normalisation)` });
      return undefined;
    }
    let t = termIndex.get(norm);
    if (t === undefined) {
      t = uses.length;
      termIndex.set(norm, t);
      uses.push([]);
    }
    const list = uses[t]!;
    let use = list.find((u) => u.rule === rule && u.role === role && u.topic === topic);
    if (!use) {
      use = { rule, role, topic, written: [] };
      list.push(use);
    }
    use.written.push({ text: written, order });
    return norm;
  };

  rules.forEach((rule, r) => {
    if (ids.has(rule.id)) refProblems.push({ file: `規則 ${rule.id}`, keyPath: 'id', message: `規則 id「${rule.id}」重複 (duplicate rule id)` });
    ids.add(rule.id);
    const topicEntries = Object.entries(rule.topics);
    compiled.push({ id: rule.id, allCount: 0, topics: topicEntries.map(([id, t]) => ({ id, risk: t.risk })) });
    rule.match.any.forEach((w, i) => add(w, `match.any[${i}]`, r, ANY, -1, i));
    const allNorms = new Set<string>();
    rule.match.all.forEach((w, i) => {
      const norm = add(w, `match.all[${i}]`, r, ALL, -1, rule.match.any.length + i);
      if (norm !== undefined) allNorms.add(norm);
    });
    compiled[r]!.allCount = allNorms.size;
    rule.match.exclude.forEach((w, i) => add(w, `match.exclude[${i}]`, r, EXCLUDE, -1, i));
    topicEntries.forEach(([id, t], k) => t.terms.forEach((w, i) => add(w, `topics.${id}.terms[${i}]`, r, TOPIC, k, i)));
  });
  if (refProblems.length > 0) throw new ConfigError('E_CONFIG_REF', refProblems);
  if (schemaProblems.length > 0) throw new ConfigError('E_CONFIG_SCHEMA', schemaProblems);

  const automaton = new AhoCorasick([...termIndex.keys()].map((text, id) => ({ id, text })));
  // Per-term "seen in this text" stamps: no clearing between texts.
  const seenAt = new Float64Array(uses.length);
  let generation = 0;

  return {
    ruleIds: compiled.map((c) => c.id),
    termCount: uses.length,
    match(normalisedText: string): RuleHit[] {
      const gen = ++generation;
      const found: number[] = [];
      automaton.scan(normalisedText, (t, start, end) => {
        if (seenAt[t] !== gen && hasTermBoundaries(normalisedText, start, end)) {
          seenAt[t] = gen;
          found.push(t);
        }
      });
      if (found.length === 0) return [];

      const states = new Map<number, RuleState>();
      for (const t of found) {
        for (const use of uses[t]!) {
          let st = states.get(use.rule);
          if (!st) {
            st = { any: false, all: 0, excluded: false, terms: [], topics: new Map() };
            states.set(use.rule, st);
          }
          switch (use.role) {
            case ANY:
              st.any = true;
              st.terms.push(...use.written);
              break;
            case ALL:
              st.all++;
              st.terms.push(...use.written);
              break;
            case EXCLUDE:
              st.excluded = true;
              break;
            case TOPIC: {
              const list = st.topics.get(use.topic);
              if (list) list.push(...use.written);
              else st.topics.set(use.topic, [...use.written]);
              break;
            }
          }
        }
      }

      const hits: RuleHit[] = [];
      for (const r of [...states.keys()].sort((a, b) => a - b)) {
        const st = states.get(r)!;
        const rule = compiled[r]!;
        if (!st.any || st.excluded || st.all < rule.allCount) continue;
        const topics: TopicHit[] = [];
        let risk: RiskLevel = 'none';
        for (const k of [...st.topics.keys()].sort((a, b) => a - b)) {
          const topic = rule.topics[k]!;
          topics.push({ topic: topic.id, risk: topic.risk, terms: inFileOrder(st.topics.get(k)!) });
          if (RISK_ORDER[topic.risk] > RISK_ORDER[risk]) risk = topic.risk;
        }
        hits.push({ ruleId: rule.id, terms: inFileOrder(st.terms), topics, risk });
      }
      return hits;
    },
  };
}

function inFileOrder(written: { text: string; order: number }[]): string[] {
  return [...new Set(written.sort((a, b) => a.order - b.order).map((w) => w.text))];
}
