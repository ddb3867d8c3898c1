/**
 * The condition language of `levels.L1..L3.when` in rule files, compiled without `eval`.
 *
 * ```
 * condition  := or
 * or         := and ("or" and)*
 * and        := not ("and" not)*
 * not        := "not" not | comparison
 * comparison := operand (op operand)?          op: == != > >= < <=
 * operand    := number | variable | "topic." id ["." field] | none | low | medium | high | "(" or ")"
 * ```
 * `topic.<id>` is the topic's mention count in the window; `topic.<id>.<field>` one of its own
 * volume values against its own baseline (see {@link TOPIC_FIELDS}).
 * Keywords, risk literals and variable names are case-insensitive; full-width ASCII typed with a
 * Chinese input method (`＞＝`, `（）`) is accepted.
 *
 * `not` binds looser than a comparison (as in SQL and Python), so `not risk == high` means
 * `not (risk == high)`: with typed operands that is the only reading that means anything.
 *
 * Types are checked when compiling: numbers compare with numbers, risk levels with risk levels
 * (`risk >= medium`), and only comparisons (or their and/or/not) are conditions.
 */
import { ExpressionError } from '../core/errors';
import { RISK_ORDER, type RiskLevel } from '../core/types';
import type { WindowSignal } from '../spikes/types';
import { closestName } from './closest-name';
import { tokenize, type ComparisonOp, type Token } from './expression-lexer';

/** Numeric variables, by their canonical spelling. */
export const NUMERIC_VARIABLES = ['mentions', 'baseline', 'spikeRatio', 'zScore', 'velocity', 'pValue', 'negative', 'negativeShare', 'highRisk', 'mediumRisk'] as const;
/** Fields of `topic.<id>.<field>`: the topic's own volume against its own baseline. */
export const TOPIC_FIELDS = ['mentions', 'baseline', 'spikeRatio', 'zScore'] as const;
/** The one risk-valued variable. */
export const RISK_VARIABLE = 'risk';
/** Risk literals, lowest first. */
export const RISK_LITERALS: readonly RiskLevel[] = ['none', 'low', 'medium', 'high'];

type NumericVariable = (typeof NUMERIC_VARIABLES)[number];
type TopicField = (typeof TOPIC_FIELDS)[number];
const TOPIC_FIELD_BY_LOWER = new Map<string, TopicField>(TOPIC_FIELDS.map((f) => [f.toLowerCase(), f]));

const NUMERIC_BY_LOWER = new Map<string, NumericVariable>(NUMERIC_VARIABLES.map((v) => [v.toLowerCase(), v]));
const KEYWORDS = ['and', 'or', 'not'];

/** What a condition may refer to besides the fixed variables. */
export interface ConditionScope {
  /** Topic ids of the rule (`topics` keys), usable as `topic.<id>`. */
  topics: readonly string[];
}

/** A checked condition, ready to evaluate against any number of signals. */
export interface CompiledCondition {
  /** The source text, as written. */
  text: string;
  /** Variables used, in order of first use, canonical spelling (`spikeRatio`, `topic.dispute`). */
  variables: string[];
  /** Whether the condition holds for this window. Pure; never throws. */
  evaluate(signal: WindowSignal): boolean;
}

type Typed =
  | { type: 'number' | 'risk'; start: number; end: number; value: (s: WindowSignal) => number }
  | { type: 'condition'; start: number; end: number; test: (s: WindowSignal) => boolean };

/**
 * Parses and type-checks a level condition.
 *
 * @param text e.g. `risk == high and mentions >= 3 or spikeRatio >= 5 and negativeShare >= 0.6`
 * @param scope the rule's topic ids, for `topic.<id>`
 * @throws ExpressionError (zh-TW message, `offset` = 0-based index of the offending token) on empty
 *   input, an unexpected character or token, a missing `)`, trailing input, an unknown variable
 *   (with the closest known name) or topic id, chained comparisons, a risk level compared with a
 *   number, or a number / variable used where a condition is needed
 */
export function compileCondition(text: string, scope: ConditionScope): CompiledCondition {
  if (text.trim() === '') throw new ExpressionError('條件是空的，請寫出條件，例如「spikeRatio >= 3」 (empty condition)', 0);
  const parser = new Parser(text, tokenize(text), scope);
  const root = parser.parseCondition();
  return { text, variables: parser.variables, evaluate: root };
}

/** Nesting (parentheses and `not`) a condition may have; deeper is refused before it can exhaust the stack. */
export const MAX_CONDITION_NESTING = 64;

class Parser {
  private pos = 0;
  private nesting = 0;
  readonly variables: string[] = [];
  private readonly topics: Set<string>;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    private readonly scope: ConditionScope,
  ) {
    this.topics = new Set(scope.topics.map((t) => t.toLowerCase()));
  }

  parseCondition(): (s: WindowSignal) => boolean {
    const node = this.parseOr();
    const next = this.peek();
    if (next.kind === ')') throw new ExpressionError('多出的右括號「)」，前面沒有對應的「(」 (unmatched \')\')', next.start);
    if (next.kind !== 'end') {
      throw new ExpressionError(`條件在「${this.source(node)}」之後已經完整，多出了「${this.source(next)}」；要再加條件請用 and / or 連接 (unexpected trailing input)`, next.start);
    }
    return this.asCondition(node).test;
  }

  private parseOr(): Typed {
    let left = this.parseAnd();
    while (this.isWord('or')) {
      this.pos++;
      const a = this.asCondition(left).test;
      const right = this.parseAnd();
      const b = this.asCondition(right).test;
      left = { type: 'condition', start: left.start, end: right.end, test: (s) => a(s) || b(s) };
    }
    return left;
  }

  private parseAnd(): Typed {
    let left = this.parseNot();
    while (this.isWord('and')) {
      this.pos++;
      const a = this.asCondition(left).test;
      const right = this.parseNot();
      const b = this.asCondition(right).test;
      left = { type: 'condition', start: left.start, end: right.end, test: (s) => a(s) && b(s) };
    }
    return left;
  }

  /** Count one level of nesting at `offset`. @throws ExpressionError beyond {@link MAX_CONDITION_NESTING} */
  private nest(offset: number): void {
    if (++this.nesting > MAX_CONDITION_NESTING) {
      throw new ExpressionError(`條件的括號與 not 巢狀超過 ${MAX_CONDITION_NESTING} 層，請簡化 (condition nested too deeply)`, offset);
    }
  }

  private parseNot(): Typed {
    if (this.isWord('not')) {
      const start = this.peek().start;
      this.pos++;
      this.nest(start);
      const operand = this.parseNot();
      this.nesting--;
      const a = this.asCondition(operand).test;
      return { type: 'condition', start, end: operand.end, test: (s) => !a(s) };
    }
    return this.parseComparison();
  }

  private parseComparison(): Typed {
    const left = this.parseOperand();
    const opToken = this.peek();
    if (opToken.kind !== 'op') return left;
    this.pos++;
    const right = this.parseOperand();
    const chained = this.peek();
    if (chained.kind === 'op') {
      throw new ExpressionError(`比較不能連寫，請用 and 連接，例如「x > 1 and x < 5」 (chained comparison)`, chained.start);
    }
    if (left.type === 'condition' || right.type === 'condition') {
      const side = left.type === 'condition' ? left : right;
      throw new ExpressionError(`「${this.source(side)}」已經是條件，不能再拿來比較 (a condition cannot be compared)`, side.start);
    }
    if (left.type !== right.type) {
      const [risky, numeric] = left.type === 'risk' ? [left, right] : [right, left];
      throw new ExpressionError(
        `風險等級不能和數字比較：「${this.source(risky)}」是風險等級（none、low、medium、high），「${this.source(numeric)}」是數字 (cannot compare a risk level with a number)`,
        right.start,
      );
    }
    const test = compare(opToken.op, left.value, right.value);
    return { type: 'condition', start: left.start, end: right.end, test };
  }

  private parseOperand(): Typed {
    const t = this.peek();
    switch (t.kind) {
      case 'number': {
        this.pos++;
        const v = t.value;
        return { type: 'number', start: t.start, end: t.end, value: () => v };
      }
      case 'topic': {
        this.pos++;
        if (!this.topics.has(t.id)) throw new ExpressionError(this.unknownTopicMessage(t.id), t.start);
        const id = t.id;
        if (t.field === undefined) {
          this.use(`topic.${id}`);
          return { type: 'number', start: t.start, end: t.end, value: (s) => s.topics[id] ?? 0 };
        }
        const field = TOPIC_FIELD_BY_LOWER.get(t.field.toLowerCase());
        if (!field) {
          const suggestion = closestName(t.field, TOPIC_FIELDS);
          const hint = suggestion ? `是不是要寫「topic.${id}.${suggestion}」？` : `可用的欄位：${TOPIC_FIELDS.join('、')}。`;
          throw new ExpressionError(`議題沒有欄位「${t.field}」，${hint} (unknown topic field)`, t.start, { context: { suggestion } });
        }
        this.use(`topic.${id}.${field}`);
        // The count is always known; spike fields exist when the detector computed this topic's baseline.
        if (field === 'mentions') return { type: 'number', start: t.start, end: t.end, value: (s) => s.topics[id] ?? 0 };
        return { type: 'number', start: t.start, end: t.end, value: (s) => s.topicSignals?.[id]?.[field] ?? 0 };
      }
      case 'word':
        this.pos++;
        return this.wordOperand(t.word, t.start, t.end);
      case '(': {
        this.pos++;
        this.nest(t.start);
        const inner = this.parseOr();
        this.nesting--;
        const close = this.peek();
        if (close.kind !== ')') {
          throw new ExpressionError(`缺少右括號「)」，用來結束位置 ${t.start} 的「(」 (missing ')')`, close.start, { context: { openOffset: t.start } });
        }
        this.pos++;
        // Keep the parentheses in the span so messages quote what was written.
        return { ...inner, start: t.start, end: close.end };
      }
      case 'end':
        throw new ExpressionError('條件沒有寫完，這裡還缺數值、變數或「(」 (unexpected end of condition)', t.start);
      default:
        throw new ExpressionError(`此處不應出現「${this.source(t)}」，這裡需要數值、變數或「(」 (unexpected token)`, t.start);
    }
  }

  private wordOperand(word: string, start: number, end: number): Typed {
    const numeric = NUMERIC_BY_LOWER.get(word);
    if (numeric) {
      this.use(numeric);
      return { type: 'number', start, end, value: (s) => s[numeric] };
    }
    if (word === RISK_VARIABLE) {
      this.use(RISK_VARIABLE);
      return { type: 'risk', start, end, value: (s) => RISK_ORDER[s.risk] };
    }
    if ((RISK_LITERALS as readonly string[]).includes(word)) {
      const rank = RISK_ORDER[word as RiskLevel];
      return { type: 'risk', start, end, value: () => rank };
    }
    if (KEYWORDS.includes(word)) {
      throw new ExpressionError(`此處不應出現「${this.text.slice(start, end)}」，這裡需要數值、變數或「(」 (unexpected token)`, start);
    }
    if (word === 'topic') {
      throw new ExpressionError(`「topic」後面要接議題 id，例如「topic.${this.scope.topics[0] ?? 'dispute'}」 (missing topic id)`, start);
    }
    const written = this.text.slice(start, end);
    const known = [...NUMERIC_VARIABLES, RISK_VARIABLE, ...RISK_LITERALS, ...KEYWORDS, ...this.scope.topics.map((id) => `topic.${id}`)];
    const suggestion = closestName(written, known);
    const hint = suggestion
      ? `是不是要寫「${suggestion}」？`
      : `可用的變數：${[...NUMERIC_VARIABLES, RISK_VARIABLE].join('、')}、topic.<議題 id>。`;
    throw new ExpressionError(`未知的變數「${written}」，${hint} (unknown variable)`, start, { context: { suggestion } });
  }

  private unknownTopicMessage(id: string): string {
    if (this.scope.topics.length === 0) return `此規則沒有定義任何議題 (topics)，不能使用「topic.${id}」 (unknown topic)`;
    const suggestion = closestName(id, this.scope.topics);
    const hint = suggestion ? `是不是要寫「topic.${suggestion}」？` : '';
    return `此規則沒有議題「${id}」。${hint}此規則的議題：${this.scope.topics.join('、')} (unknown topic)`;
  }

  /** Only conditions may stand alone or meet and / or / not. */
  private asCondition(node: Typed): Extract<Typed, { type: 'condition' }> {
    if (node.type === 'condition') return node;
    const written = this.source(node);
    const message =
      node.type === 'risk'
        ? `「${written}」是風險等級，不是條件；請加上比較，例如「risk >= medium」 (a risk level is not a condition)`
        : `「${written}」是數值，不是條件；請加上比較，例如「${written} >= 5」 (a number is not a condition)`;
    throw new ExpressionError(message, node.start);
  }

  private use(name: string): void {
    if (!this.variables.includes(name)) this.variables.push(name);
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t.kind === 'word' && t.word === word;
  }

  private source(span: { start: number; end: number }): string {
    return this.text.slice(span.start, span.end);
  }
}

function compare(op: ComparisonOp, a: (s: WindowSignal) => number, b: (s: WindowSignal) => number): (s: WindowSignal) => boolean {
  switch (op) {
    case '==':
      return (s) => a(s) === b(s);
    case '!=':
      return (s) => a(s) !== b(s);
    case '>':
      return (s) => a(s) > b(s);
    case '>=':
      return (s) => a(s) >= b(s);
    case '<':
      return (s) => a(s) < b(s);
    case '<=':
      return (s) => a(s) <= b(s);
  }
}
