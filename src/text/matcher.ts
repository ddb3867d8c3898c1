import type { RuleFile } from '../config/rule-schema';
import { ConfigError, ExpressionError, type ConfigProblem } from '../core/errors';
import { RISK_ORDER, type RiskLevel, type RuleHit, type TopicHit } from '../core/types';
import { normalizeForMatch } from './normalize';
import { evaluateQuery, explainQueryFailure, foundPositiveTerms, type Field, type QueryContext, type TermOccurrence } from './query/query-eval';
import { parseQuery, type CompiledQuery, type Scope } from './query/query-parser';
import { TermIndexBuilder, type Occurrences } from './term-index';

/**
 * Keyword matching for every rule at once. Every term of every rule (`match.any/all/exclude`,
 * `match.query`, topic terms and queries) is registered in one term index shared with the
 * sentiment lexicon; a text is scanned once, and only the rules touched by a found term are
 * evaluated.
 */

/** Where the title ends and the body starts in the normalised text (both 0 for body-only text). */
export interface TextFields {
  titleEnd: number;
  bodyStart: number;
}

/** Free text without a title: all of it is body. */
export const BODY_ONLY: TextFields = { titleEnd: 0, bodyStart: 0 };

/** A found term as `explain` highlights it (normalised offsets). */
export interface MatchedSpan {
  start: number;
  end: number;
  /** As written in the rule file. */
  term: string;
  /** `match`: a term that makes the rule match; `topic`: a risk-topic term; `exclude`: an exclusion. */
  role: 'match' | 'topic' | 'exclude';
  /** Topic id for role `topic`. */
  topic?: string;
}

/** Why a rule did or did not match a text it came close to (one of its terms occurs). */
export interface RuleExplanation {
  ruleId: string;
  matched: boolean;
  /** The hit, as {@link RuleSet.match} reports it, when matched. */
  hit?: RuleHit;
  /** Why not, when not matched (zh-TW sentences, English in parentheses). */
  reasons: string[];
  spans: MatchedSpan[];
}

/** Compiled rules evaluated against the occurrences of a shared term index. */
export interface RuleSet {
  readonly ruleIds: readonly string[];
  /** Whether some rule or topic has a query: only queries read the text passed to match (NEAR counts its words). */
  readonly hasQueries: boolean;
  /**
   * The rules a text hits, in rule order. A rule hits when one of its `any` terms occurs (if it
   * has any), every `all` term occurs, no `exclude` term occurs and its `query` (if any) holds.
   * `terms` lists the matched terms, `topics` the topics hit (a topic term occurs or the topic
   * query holds), as written in the rule file and in file order; `risk` is the highest topic risk.
   */
  match(text: string, occ: Occurrences, fields: TextFields): RuleHit[];
  /** Every rule one of whose terms occurs, matched or not, with reasons and spans. */
  explain(text: string, occ: Occurrences, fields: TextFields): RuleExplanation[];
}

/** A self-contained matcher (its own term index): for tests and callers that need no sentiment. */
export interface Matcher {
  readonly ruleIds: readonly string[];
  /** Distinct normalised terms in the index. */
  readonly termCount: number;
  /** See {@link RuleSet.match}; `normalisedText` went through `normalizeForMatch`. */
  match(normalisedText: string, fields?: TextFields): RuleHit[];
  explain(normalisedText: string, fields?: TextFields): RuleExplanation[];
}

interface Written {
  text: string;
  order: number;
}

/**
 * One list of a rule (match.any, a topic's terms…): its distinct term ids in the order their first
 * spelling appears, each with its spellings in file order. Flat arrays, walked by index: a text's
 * rules are evaluated term by term, and iterating Maps cost more than the evaluation.
 */
interface TermList {
  ids: Int32Array;
  written: Written[][];
}

interface CompiledTopic {
  id: string;
  risk: RiskLevel;
  /** RISK_ORDER of the risk. */
  riskOrder: number;
  terms: TermList;
  query?: CompiledQuery;
}

interface CompiledRule {
  id: string;
  any: TermList;
  all: TermList;
  exclude: TermList;
  query?: CompiledQuery;
  /** Order given to the first query term (after the any and all lists). */
  queryOrder: number;
  topics: CompiledTopic[];
}

/** A TermList from id → spellings, in the Map's order (first spelling's). */
function termList(terms: Map<number, Written[]>): TermList {
  return { ids: Int32Array.from(terms.keys()), written: [...terms.values()] };
}

/**
 * Compile rule files, registering their terms in `builder` (shared with the sentiment lexicon).
 * The result is usable once the builder's index is built and used to scan texts.
 * @throws ConfigError E_CONFIG_SCHEMA for a term empty after normalisation or a query that does
 *   not parse, E_CONFIG_REF for two rules with the same id. Problems are located as `規則 <id>`
 *   plus the key path: the matcher never sees file names (the loader reports queries with lines).
 */
export function compileRuleSet(rules: readonly RuleFile[], builder: TermIndexBuilder): RuleSet {
  const compiled: CompiledRule[] = [];
  const schemaProblems: ConfigProblem[] = [];
  const refProblems: ConfigProblem[] = [];
  const ids = new Set<string>();
  // Term id → rules that term can make match (a positive term): only those are evaluated.
  const touches: number[][] = [];
  const touch = (id: number, rule: number): void => {
    while (touches.length <= id) touches.push([]);
    const list = touches[id]!;
    if (list[list.length - 1] !== rule) list.push(rule);
  };

  rules.forEach((rule, r) => {
    if (ids.has(rule.id)) refProblems.push({ file: `規則 ${rule.id}`, keyPath: 'id', message: `規則 id「${rule.id}」重複 (duplicate rule id)` });
    ids.add(rule.id);
    const problem = (keyPath: string, message: string) => schemaProblems.push({ file: `規則 ${rule.id}`, keyPath, message });
    const list = (terms: readonly string[], keyPath: string, orderFrom: number): TermList => {
      const out = new Map<number, Written[]>();
      terms.forEach((w, i) => {
        const norm = normalizeForMatch(w);
        if (norm === '') return problem(`${keyPath}[${i}]`, `「${w}」正規化後是空字串，無法比對 (term is empty after normalisation)`);
        const id = builder.add(norm);
        const entry = out.get(id) ?? [];
        entry.push({ text: w, order: orderFrom + i });
        out.set(id, entry);
      });
      return termList(out);
    };
    const query = (source: string | undefined, keyPath: string): CompiledQuery | undefined => {
      if (source === undefined) return undefined;
      try {
        const q = parseQuery(source);
        for (const t of q.terms) t.id = builder.add(t.norm);
        return q;
      } catch (err) {
        if (!(err instanceof ExpressionError)) throw err;
        problem(keyPath, `查詢語法錯誤（第 ${err.offset + 1} 個字元）：${err.message}`);
        return undefined;
      }
    };
    const { match } = rule;
    const c: CompiledRule = {
      id: rule.id,
      any: list(match.any, 'match.any', 0),
      all: list(match.all, 'match.all', match.any.length),
      exclude: list(match.exclude, 'match.exclude', 0),
      query: query(match.query, 'match.query'),
      queryOrder: match.any.length + match.all.length,
      topics: Object.entries(rule.topics).map(([id, t]) => ({ id, risk: t.risk, riskOrder: RISK_ORDER[t.risk], terms: list(t.terms, `topics.${id}.terms`, 0), query: query(t.query, `topics.${id}.query`) })),
    };
    compiled.push(c);
    for (const id of c.any.ids) touch(id, r);
    for (const id of c.all.ids) touch(id, r);
    for (const t of c.query?.terms ?? []) touch(t.id, r);
  });
  if (refProblems.length > 0) throw new ConfigError('E_CONFIG_REF', refProblems);
  if (schemaProblems.length > 0) throw new ConfigError('E_CONFIG_SCHEMA', schemaProblems);
  return new CompiledRuleSet(compiled, touches);
}

/** Compile rules into a {@link Matcher} with its own index. @throws ConfigError as {@link compileRuleSet}. */
export function compileMatcher(rules: readonly RuleFile[]): Matcher {
  const builder = new TermIndexBuilder();
  const set = compileRuleSet(rules, builder);
  const index = builder.build();
  return {
    ruleIds: set.ruleIds,
    termCount: index.size,
    match: (text, fields = BODY_ONLY) => set.match(text, index.scan(text), fields),
    explain: (text, fields = BODY_ONLY) => set.explain(text, index.scan(text), fields),
  };
}

/** Per-text state: which terms occur where, stamped with a generation so nothing is cleared between texts. */
class CompiledRuleSet implements RuleSet {
  readonly ruleIds: readonly string[];
  readonly hasQueries: boolean;
  private generation = 0;
  private readonly stampAny: Int32Array;
  private readonly stampTitle: Int32Array;
  private readonly stampBody: Int32Array;
  private readonly ruleStamp: Int32Array;
  private text = '';
  private occ: Occurrences | undefined;
  private fields: TextFields = BODY_ONLY;
  private readonly ctx: QueryContext;
  /** Scratch for the spellings of the terms a hit found. */
  private readonly found: Written[] = [];

  constructor(
    private readonly rules: CompiledRule[],
    private readonly touches: number[][],
  ) {
    this.ruleIds = rules.map((r) => r.id);
    this.hasQueries = rules.some((r) => r.query !== undefined || r.topics.some((t) => t.query !== undefined));
    this.ruleStamp = new Int32Array(rules.length);
    // Ids above the largest one a rule uses belong to the sentiment lexicon only.
    const size = maxTermId(rules) + 1;
    this.stampAny = new Int32Array(size);
    this.stampTitle = new Int32Array(size);
    this.stampBody = new Int32Array(size);
    const self = this;
    this.ctx = {
      get text() {
        return self.text;
      },
      has: (id, scope) => this.has(id, scope),
      occurrences: (id) => this.occurrencesOf(id),
    };
  }

  match(text: string, occ: Occurrences, fields: TextFields): RuleHit[] {
    const hits: RuleHit[] = [];
    for (const r of this.prepare(text, occ, fields)) {
      const rule = this.rules[r]!;
      if (this.matches(rule)) hits.push(this.hit(rule));
    }
    return hits;
  }

  explain(text: string, occ: Occurrences, fields: TextFields): RuleExplanation[] {
    return this.prepare(text, occ, fields).map((r) => {
      const rule = this.rules[r]!;
      const reasons = this.failures(rule, true);
      const spans = this.spans(rule);
      return reasons.length === 0 ? { ruleId: rule.id, matched: true, hit: this.hit(rule), reasons, spans } : { ruleId: rule.id, matched: false, reasons, spans };
    });
  }

  /** Stamp the terms found in this text and return the touched rules in rule order. */
  private prepare(text: string, occ: Occurrences, fields: TextFields): number[] {
    this.text = text;
    this.occ = occ;
    this.fields = fields;
    const gen = ++this.generation;
    const touched: number[] = [];
    for (let k = 0; k < occ.length; k++) {
      const id = occ.term[k]!;
      // Words of the sentiment lexicon share the index; no rule uses them.
      if (id >= this.stampAny.length) continue;
      this.stampAny[id] = gen;
      const field = this.fieldOf(occ.start[k]!, occ.end[k]!);
      if (field === 'title') this.stampTitle[id] = gen;
      else if (field === 'body') this.stampBody[id] = gen;
      const rules = this.touches[id];
      if (!rules) continue;
      for (const r of rules) {
        if (this.ruleStamp[r] === gen) continue;
        this.ruleStamp[r] = gen;
        touched.push(r);
      }
    }
    // Usually none or one.
    return touched.length > 1 ? touched.sort((a, b) => a - b) : touched;
  }

  private fieldOf(start: number, end: number): Field {
    const { titleEnd, bodyStart } = this.fields;
    if (end <= titleEnd) return 'title';
    if (start >= bodyStart) return 'body';
    return 'none';
  }

  private has(id: number, scope: Scope): boolean {
    if (id >= this.stampAny.length) return false;
    const gen = this.generation;
    if (scope === 'any') return this.stampAny[id] === gen;
    return (scope === 'title' ? this.stampTitle : this.stampBody)[id] === gen;
  }

  private occurrencesOf(id: number): TermOccurrence[] {
    const occ = this.occ!;
    const out: TermOccurrence[] = [];
    for (let k = 0; k < occ.length; k++) {
      if (occ.term[k] !== id) continue;
      const start = occ.start[k]!;
      const end = occ.end[k]!;
      out.push({ start, end, field: this.fieldOf(start, end) });
    }
    return out.sort((a, b) => a.start - b.start);
  }

  /** The spellings of the terms of `terms` that occur, appended to `out` (in the list's order). */
  private collectFound(terms: TermList, out: Written[]): void {
    const { ids, written } = terms;
    const stamps = this.stampAny;
    const gen = this.generation;
    for (let t = 0; t < ids.length; t++) {
      if (stamps[ids[t]!] !== gen) continue;
      const spellings = written[t]!;
      for (let i = 0; i < spellings.length; i++) out.push(spellings[i]!);
    }
  }

  /** Whether any of the terms occurs. */
  private hasAny(terms: TermList): boolean {
    const { ids } = terms;
    const stamps = this.stampAny;
    const gen = this.generation;
    for (let t = 0; t < ids.length; t++) if (stamps[ids[t]!] === gen) return true;
    return false;
  }

  /** Why the rule does not match (empty: it matches). `all` lists every reason, not just the first. */
  private failures(rule: CompiledRule, all: boolean): string[] {
    const reasons: string[] = [];
    if (rule.any.ids.length > 0 && !this.hasAny(rule.any)) {
      reasons.push('沒有出現任何監測詞 match.any (no match.any term)');
      if (!all) return reasons;
    }
    for (let t = 0; t < rule.all.ids.length; t++) {
      if (this.has(rule.all.ids[t]!, 'any')) continue;
      reasons.push(`缺少必要詞「${rule.all.written[t]![0]!.text}」match.all (missing match.all term)`);
      if (!all) return reasons;
    }
    for (let t = 0; t < rule.exclude.ids.length; t++) {
      if (!this.has(rule.exclude.ids[t]!, 'any')) continue;
      reasons.push(`排除詞「${rule.exclude.written[t]![0]!.text}」出現 match.exclude (an exclusion fired)`);
      if (!all) return reasons;
    }
    if (rule.query) {
      if (!all) {
        if (!evaluateQuery(rule.query.root, this.ctx)) reasons.push('query');
      } else {
        for (const why of explainQueryFailure(rule.query.root, this.ctx)) reasons.push(`查詢 match.query：${why}`);
      }
    }
    return reasons;
  }

  /** Whether the rule matches (failures(rule, false) is empty), without building reasons. */
  private matches(rule: CompiledRule): boolean {
    if (rule.any.ids.length > 0 && !this.hasAny(rule.any)) return false;
    const stamps = this.stampAny;
    const gen = this.generation;
    const required = rule.all.ids;
    for (let t = 0; t < required.length; t++) if (stamps[required[t]!] !== gen) return false;
    if (this.hasAny(rule.exclude)) return false;
    return rule.query === undefined || evaluateQuery(rule.query.root, this.ctx);
  }

  private hit(rule: CompiledRule): RuleHit {
    const found = this.found;
    found.length = 0;
    this.collectFound(rule.any, found);
    this.collectFound(rule.all, found);
    if (rule.query) foundPositiveTerms(rule.query.root, this.ctx).forEach((t, k) => found.push({ text: t.written, order: rule.queryOrder + k }));
    const terms = inFileOrder(found);
    const topics: TopicHit[] = [];
    let riskOrder = 0;
    let risk: RiskLevel = 'none';
    for (const topic of rule.topics) {
      found.length = 0;
      this.collectFound(topic.terms, found);
      const queryHolds = topic.query !== undefined && evaluateQuery(topic.query.root, this.ctx);
      if (queryHolds) foundPositiveTerms(topic.query!.root, this.ctx).forEach((t, k) => found.push({ text: t.written, order: topic.terms.ids.length + 1000 + k }));
      if (found.length === 0 && !queryHolds) continue;
      topics.push({ topic: topic.id, risk: topic.risk, terms: inFileOrder(found) });
      if (topic.riskOrder > riskOrder) {
        riskOrder = topic.riskOrder;
        risk = topic.risk;
      }
    }
    return { ruleId: rule.id, terms, topics, risk };
  }

  /** Occurrences of the rule's terms, for highlighting. */
  private spans(rule: CompiledRule): MatchedSpan[] {
    const roles = new Map<number, Omit<MatchedSpan, 'start' | 'end'>>();
    const add = (id: number, span: Omit<MatchedSpan, 'start' | 'end'>) => {
      if (!roles.has(id)) roles.set(id, span);
    };
    const each = (list: TermList, span: (first: string) => Omit<MatchedSpan, 'start' | 'end'>) => list.ids.forEach((id, t) => add(id, span(list.written[t]![0]!.text)));
    for (const m of [rule.any, rule.all]) each(m, (term) => ({ term, role: 'match' }));
    for (const t of rule.query?.terms ?? []) add(t.id, { term: t.written, role: 'match' });
    each(rule.exclude, (term) => ({ term, role: 'exclude' }));
    for (const topic of rule.topics) {
      each(topic.terms, (term) => ({ term, role: 'topic', topic: topic.id }));
      for (const t of topic.query?.terms ?? []) add(t.id, { term: t.written, role: 'topic', topic: topic.id });
    }
    const occ = this.occ!;
    const spans: MatchedSpan[] = [];
    for (let k = 0; k < occ.length; k++) {
      const role = roles.get(occ.term[k]!);
      if (role) spans.push({ start: occ.start[k]!, end: occ.end[k]!, ...role });
    }
    return spans.sort((a, b) => a.start - b.start || b.end - a.end);
  }
}

/** The largest term id any rule uses (-1 for none). */
function maxTermId(rules: readonly CompiledRule[]): number {
  let max = -1;
  for (const rule of rules) {
    for (const m of [rule.any, rule.all, rule.exclude, ...rule.topics.map((t) => t.terms)]) for (const id of m.ids) max = Math.max(max, id);
    for (const q of [rule.query, ...rule.topics.map((t) => t.query)]) for (const t of q?.terms ?? []) max = Math.max(max, t.id);
  }
  return max;
}

/**
 * The spellings by file order, each once (the first by order wins). Sorts `written` in place (the
 * callers' scratch list; orders are distinct within it): insertion sort, as it is short and
 * usually in order already.
 */
function inFileOrder(written: Written[]): string[] {
  const n = written.length;
  if (n === 0) return [];
  if (n === 1) return [written[0]!.text];
  for (let i = 1; i < n; i++) {
    const w = written[i]!;
    let j = i;
    while (j > 0 && written[j - 1]!.order > w.order) {
      written[j] = written[j - 1]!;
      j--;
    }
    written[j] = w;
  }
  const out: string[] = [];
  for (let i = 0; i < n; i++) if (!out.includes(written[i]!.text)) out.push(written[i]!.text);
  return out;
}
