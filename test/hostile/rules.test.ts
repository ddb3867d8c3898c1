import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRegistry } from '../../src/connectors/builtin';
import { loadConnectorFile, loadMainConfig, loadRuleFile } from '../../src/config/load';
import { compileCondition, MAX_CONDITION_NESTING } from '../../src/crisis/expression';
import { ConfigError, ExpressionError } from '../../src/core/errors';
import { compileMatcher } from '../../src/text/matcher';
import { normalizeForMatch } from '../../src/text/normalize';
import { closestPair, type QueryContext, type TermOccurrence } from '../../src/text/query/query-eval';
import { MAX_QUERY_NESTING, parseQuery, type QueryNear } from '../../src/text/query/query-parser';
import { closestPair as closestPairV1 } from '../text/reference-v1/query/query-eval';
import { spawnCli } from '../helpers/spawn-cli';
import { ruleFixture } from '../text/rule-fixture';

/**
 * Hostile user-editable files: YAML alias bombs and absurd nesting in the rule, main and connector
 * files, and rule queries and conditions built to exhaust the parser or the matcher. Each must end
 * in a ConfigError naming the file (or a bounded-time match), never a stack overflow, a hang or a
 * blown heap.
 */

const RULE_HEAD = `id: hostile
name: 惡意規則
levels:
  L1: { when: "mentions >= 1", sla: { respond: 1h, resolve: 24h }, notify: [pr-lead] }
`;

/** An alias bomb: each level refers to the previous one ten times (10^depth nodes if expanded). */
function aliasBomb(key: string, depth = 9): string {
  const lines = [`a0: &a0 [x, x, x, x, x, x, x, x, x, x]`];
  for (let d = 1; d < depth; d++) lines.push(`a${d}: &a${d} [${Array.from({ length: 10 }, () => `*a${d - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n${key}: *a${depth - 1}\n`;
}

describe('hostile rule, main and connector files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'yuqing-hostile-rules-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function write(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  /** The ConfigError a load throws, with how long it took and how much the heap grew. */
  function refusal(load: () => unknown): { err: ConfigError; ms: number; heapMb: number } {
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    let caught: unknown;
    try {
      load();
    } catch (err) {
      caught = err;
    }
    const ms = performance.now() - t0;
    expect(caught).toBeInstanceOf(ConfigError);
    return { err: caught as ConfigError, ms, heapMb: (process.memoryUsage().heapUsed - heap0) / 1e6 };
  }

  it.each([
    ['rule file', 'bomb-rule.yaml', `${RULE_HEAD}${aliasBomb('extra')}`, (p: string) => loadRuleFile(p)],
    ['main config', 'bomb-main.yaml', aliasBomb('timeZone'), (p: string) => loadMainConfig(p)],
    ['connector file', 'bomb-connector.yaml', `id: bomb\nkind: rss\n${aliasBomb('options')}`, (p: string) => loadConnectorFile(p, builtinRegistry)],
  ])('refuses a YAML alias bomb in a %s quickly, naming the file', (_what, name, text, load) => {
    const path = write(name, text);
    const { err, ms, heapMb } = refusal(() => load(path));
    expect(err.code).toBe('E_CONFIG_YAML');
    expect(err.message).toContain(name);
    expect(err.message).toMatch(/別名過多/);
    expect(ms).toBeLessThan(2_000);
    expect(heapMb).toBeLessThan(100);
  });

  it('still accepts ordinary aliases (a few shared lists)', () => {
    const path = write(
      'aliases-ok.yaml',
      `id: aliases-ok
name: 別名
match: { any: &names [範例診所, 王醫師] }
topics:
  dispute: { risk: high, terms: *names }
levels:
  L1: { when: "mentions >= 1", sla: { respond: 1h, resolve: 24h }, notify: [pr-lead] }
`,
    );
    expect(loadRuleFile(path).config.topics.dispute!.terms).toEqual(['範例診所', '王醫師']);
  });

  it.each([
    ['100,000 nested flow lists', `${RULE_HEAD}extra: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`],
    ['5,000 nested block maps', `${RULE_HEAD}${Array.from({ length: 5_000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} x\n`],
    ['500 nested lists where terms are expected', `${RULE_HEAD}match: { any: ${'['.repeat(500)}x${']'.repeat(500)} }\n`],
  ])('refuses a rule file with %s as a ConfigError naming the file, not a stack overflow', (_what, text) => {
    const path = write('deep.yaml', text);
    const { err, ms } = refusal(() => loadRuleFile(path));
    expect(['E_CONFIG_YAML', 'E_CONFIG_SCHEMA']).toContain(err.code);
    expect(err.message).toContain('deep.yaml');
    expect(ms).toBeLessThan(5_000);
  });

  it('reports a deeply nested rule file from `yuqing validate` in a fresh process before the YAML parser recurses (left to it, 50,000 levels overflowed the stack, and in a fresh process V8 could abort outright)', async () => {
    const project = mkdtempSync(join(tmpdir(), 'yuqing-hostile-validate-'));
    try {
      writeFileSync(join(project, 'yuqing.yaml'), 'storage: { sqlitePath: data/state.db }\nrecipients:\n  pr-lead: { name: 公關主管 }\n');
      mkdirSync(join(project, 'rules'));
      mkdirSync(join(project, 'connectors'));
      writeFileSync(join(project, 'rules', 'deep.yaml'), `${RULE_HEAD}extra: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`);
      const cli = spawnCli(['validate', '--config', join(project, 'yuqing.yaml')]);
      expect(await cli.exited).toBe(1);
      expect(cli.output()).toMatch(/deep\.yaml:5:\d+.*巢狀超過 \d+ 層/);
      expect(cli.output()).not.toMatch(/FATAL|out of memory|Maximum call stack/);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it.each([
    ['parentheses', `${'('.repeat(50_000)}範例診所${')'.repeat(50_000)}`],
    ['NOT', `範例診所 ${'NOT '.repeat(50_000)}徵才`],
    ['title:', `${'title:('.repeat(50_000)}範例診所${')'.repeat(50_000)}`],
  ])('refuses a match.query nested 50,000 deep in %s, naming file, key and position', (_what, query) => {
    const path = write('deep-query.yaml', `${RULE_HEAD}match:\n  query: '${query}'\n`);
    const { err } = refusal(() => loadRuleFile(path));
    expect(err.code).toBe('E_CONFIG_SCHEMA');
    expect(err.problems[0]).toMatchObject({ file: expect.stringContaining('deep-query.yaml'), keyPath: 'match.query' });
    expect(err.message).toMatch(new RegExp(`超過 ${MAX_QUERY_NESTING} 層`));
  });

  it('refuses a level condition nested 50,000 deep, naming the condition', () => {
    const when = `${'('.repeat(50_000)}mentions >= 1${')'.repeat(50_000)}`;
    const path = write('deep-when.yaml', `id: deep-when\nname: x\nmatch: { any: [範例診所] }\nlevels:\n  L1: { when: "${when}", sla: { respond: 1h, resolve: 24h }, notify: [pr-lead] }\n`);
    const { err } = refusal(() => loadRuleFile(path));
    expect(err.problems[0]).toMatchObject({ keyPath: 'levels.L1.when' });
    expect(err.message).toMatch(new RegExp(`超過 ${MAX_CONDITION_NESTING} 層`));
    expect(() => compileCondition(`${'not '.repeat(50_000)}mentions >= 1`, { topics: [] })).toThrow(ExpressionError);
  });

  it('accepts nesting up to the limit', () => {
    const depth = MAX_QUERY_NESTING - 1;
    expect(parseQuery(`${'('.repeat(depth)}範例診所${')'.repeat(depth)}`).terms).toHaveLength(1);
    expect(compileCondition(`${'('.repeat(MAX_CONDITION_NESTING - 1)}mentions >= 1${')'.repeat(MAX_CONDITION_NESTING - 1)}`, { topics: [] }).variables).toEqual(['mentions']);
  });
});

describe('a pathological NEAR query costs little at match time', () => {
  /** Occurrences drawn at random, each term list sorted by start as the matcher gives them. */
  function randomContext(seed: number, text: string, terms: number): { ctx: QueryContext; near: QueryNear } {
    let s = seed;
    const rand = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const occ: TermOccurrence[][] = [];
    for (let t = 0; t < terms; t++) {
      const list: TermOccurrence[] = [];
      for (let k = Math.floor(rand() * 6); k > 0; k--) {
        const start = Math.floor(rand() * (text.length - 3));
        const end = start + 1 + Math.floor(rand() * 3);
        const field = (['title', 'body', 'none'] as const)[Math.floor(rand() * 3)]!;
        list.push({ start, end, field });
      }
      occ.push(list.sort((a, b) => a.start - b.start));
    }
    const term = (id: number, scope: 'any' | 'title' | 'body') => ({ kind: 'term' as const, written: `t${id}`, norm: `t${id}`, phrase: false, scope, id, start: 0, end: 0 });
    const scopes = ['any', 'title', 'body'] as const;
    const split = 1 + Math.floor(rand() * (terms - 1));
    const near: QueryNear = {
      kind: 'near',
      left: Array.from({ length: split }, (_, i) => term(i, scopes[Math.floor(rand() * 3)]!)),
      // A term may sit on both sides (its occurrence is then 0 from itself).
      right: Array.from({ length: terms - split }, (_, i) => term(rand() < 0.2 ? 0 : split + i, scopes[Math.floor(rand() * 3)]!)),
      distance: 3,
      unit: rand() < 0.5 ? 'chars' : 'words',
      start: 0,
      end: 0,
    };
    const ctx: QueryContext = { text, has: () => true, occurrences: (id) => occ[id] ?? [] };
    return { ctx, near };
  }

  it('gives the same distance as comparing every pair (2,000 random cases, both units, all scopes)', () => {
    const text = normalizeForMatch('The clinic refused my refund, 範例診所醫療糾紛 提告 and the doctor said no. 再 refund 一次 clinic-x 診所 ok');
    for (let seed = 1; seed <= 2_000; seed++) {
      const { ctx, near } = randomContext(seed, text, 2 + (seed % 5));
      expect([seed, closestPair(near, ctx)]).toEqual([seed, closestPairV1(near, ctx)]);
    }
  });

  it.each([
    ['Chinese, characters', '(範例診所 OR 王醫師) NEAR/2 (糾紛 OR 提告)', `${'範例診所，今天天氣很好，'.repeat(20_000)}${'糾紛，明天再說吧。'.repeat(20_000)}`],
    ['Latin, words', 'refund NEAR/1 clinic', `${'refund a b '.repeat(20_000)}${'clinic c d '.repeat(20_000)}`],
  ])('decides a post repeating both sides 20,000 times each within a second (%s)', (_what, query, body) => {
    const matcher = compileMatcher([ruleFixture({ id: 'near', match: { any: [], query } as never })]);
    const text = normalizeForMatch(body);
    const t0 = performance.now();
    const hits = matcher.match(text);
    const ms = performance.now() - t0;
    expect(hits).toEqual([]);
    expect(ms).toBeLessThan(1_000);
    // And the explanation names the real distance, computed just as cheaply.
    const t1 = performance.now();
    const why = matcher.explain(text).flatMap((e) => e.reasons).join('\n');
    expect(performance.now() - t1).toBeLessThan(1_000);
    expect(why).toMatch(/最近相距 \d+/);
  });
});
