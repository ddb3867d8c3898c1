import { ConfigError } from '../../src/core/errors';
import type { RuleHit } from '../../src/core/types';
import { compileMatcher, type TextFields } from '../../src/text/matcher';
import { normalizeForMatch } from '../../src/text/normalize';
import { parseQuery, type QueryNode } from '../../src/text/query/query-parser';
import { hasTermBoundaries } from '../../src/text/term-boundary';
import { ruleFixture } from './rule-fixture';

const rule = (id: string, query: string, extra: { any?: string[]; exclude?: string[]; topics?: Record<string, unknown> } = {}) =>
  ruleFixture({ id, match: { any: extra.any ?? [], exclude: extra.exclude ?? [], query } as never, ...(extra.topics ? { topics: extra.topics } : {}) });

const matchOne = (query: string, text: string, fields?: TextFields) => compileMatcher([rule('r', query)]).match(normalizeForMatch(text), fields);

describe('match.query', () => {
  it('matches terms, phrases, AND/OR/NOT as written', () => {
    const q = '(範例診所 OR "Example Clinic") AND (糾紛 OR 提告) -徵才';
    expect(matchOne(q, '範例診所傳出糾紛')[0]?.terms).toEqual(['範例診所', '糾紛']);
    expect(matchOne(q, 'EXAMPLE  CLINIC 被提告')[0]?.terms).toEqual(['Example Clinic', '提告']);
    expect(matchOne(q, '範例診所徵才，無糾紛')).toEqual([]);
    expect(matchOne(q, '範例診所今天公休')).toEqual([]);
  });

  it('applies NEAR/n in characters for Chinese, in either order', () => {
    const q = '範例診所 NEAR/5 糾紛';
    expect(matchOne(q, '範例診所發生糾紛')).toHaveLength(1); // 2 characters apart
    expect(matchOne(q, '糾紛，就在範例診所')).toHaveLength(1); // 3 apart,糾紛 first
    expect(matchOne(q, '範例診所今天下午三點發生糾紛')).toEqual([]); // 6 apart
    expect(matchOne('範例診所 NEAR/0 糾紛', '範例診所糾紛')).toHaveLength(1);
  });

  it('applies NEAR/n in words for Latin terms', () => {
    expect(matchOne('refund NEAR/1 clinic', 'The clinic refused my refund')).toHaveLength(0); // 2 words between
    expect(matchOne('refund NEAR/2 clinic', 'The clinic refused my refund')).toHaveLength(1);
  });

  it('scopes terms to the title or the body', () => {
    const text = normalizeForMatch('醫療糾紛。\n範例診所回應');
    const fields = { titleEnd: 4, bodyStart: 6 };
    const m = compileMatcher([rule('t', 'title:醫療糾紛 body:範例診所'), rule('b', 'body:醫療糾紛 範例診所')]);
    expect(m.match(text, fields).map((h) => h.ruleId)).toEqual(['t']);
    // Body-only text (no title): a title: term never holds.
    expect(m.match(normalizeForMatch('醫療糾紛 範例診所')).map((h) => h.ruleId)).toEqual(['b']);
  });

  it('requires NEAR pairs to lie in the same field', () => {
    const text = normalizeForMatch('範例診所。\n糾紛');
    expect(compileMatcher([rule('r', '範例診所 NEAR/5 糾紛')]).match(text, { titleEnd: 4, bodyStart: 6 })).toEqual([]);
  });

  it('combines a query with any and exclude: every part must hold', () => {
    const m = compileMatcher([rule('r', '糾紛 OR 提告', { any: ['範例診所'], exclude: ['徵才'] })]);
    expect(m.match(normalizeForMatch('範例診所 糾紛'))[0]?.terms).toEqual(['範例診所', '糾紛']);
    expect(m.match(normalizeForMatch('別家診所 糾紛'))).toEqual([]);
    expect(m.match(normalizeForMatch('範例診所 徵才 糾紛'))).toEqual([]);
  });

  it('hits a topic through its query as well as through its terms', () => {
    const topics = { dispute: { risk: 'high', terms: ['醫療糾紛'], query: '(告 OR 賠) NEAR/3 醫師' }, service: { risk: 'medium', query: '櫃台 NEAR/4 (兇 OR 差)' } };
    const m = compileMatcher([rule('r', '範例診所', { topics })]);
    const [hit] = m.match(normalizeForMatch('範例診所：家屬要告醫師，櫃台很兇'));
    expect(hit?.topics).toEqual([
      { topic: 'dispute', risk: 'high', terms: ['告', '醫師'] },
      { topic: 'service', risk: 'medium', terms: ['櫃台', '兇'] },
    ]);
    expect(hit?.risk).toBe('high');
    expect(m.match(normalizeForMatch('範例診所：告，但這件事與醫師無關'))[0]?.topics).toEqual([]);
  });

  it('reports a query that does not parse as a problem of the rule', () => {
    expect.assertions(2);
    try {
      compileMatcher([rule('broken', '範例診所 AND')]);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toContain('規則 broken 鍵 match.query：查詢語法錯誤（第 6 個字元）');
    }
  });
});

describe('explain', () => {
  const m = compileMatcher([
    rule('near', '範例診所 NEAR/3 糾紛'),
    rule('excl', '範例診所', { exclude: ['徵才'] }),
    rule('query-not', '範例診所 -"誠徵"'),
    ruleFixture({ id: 'all', match: { any: ['範例診所'], all: ['皮秒'] } }),
  ]);

  it('says why each rule that came close did not match', () => {
    const out = m.explain(normalizeForMatch('範例診所徵才誠徵，下午發生了一些糾紛'));
    const by = Object.fromEntries(out.map((e) => [e.ruleId, e]));
    expect(by.near?.matched).toBe(false);
    expect(by.near?.reasons).toEqual(['查詢 match.query：「範例診所」與「糾紛」最近相距 12 個字，超過 NEAR/3 (NEAR: too far apart)']);
    expect(by.excl?.reasons).toEqual(['排除詞「徵才」出現 match.exclude (an exclusion fired)']);
    expect(by['query-not']?.reasons).toEqual(['查詢 match.query：排除條件成立：出現「誠徵」 (an exclusion fired)']);
    expect(by.all?.reasons).toEqual(['缺少必要詞「皮秒」match.all (missing match.all term)']);
  });

  it('gives matched rules their hit and the spans to highlight', () => {
    const [e] = m.explain(normalizeForMatch('範例診所有糾紛')).filter((x) => x.ruleId === 'near');
    expect(e?.matched).toBe(true);
    expect(e?.hit?.terms).toEqual(['範例診所', '糾紛']);
    expect(e?.spans.map((s) => [s.start, s.end, s.term, s.role])).toEqual([
      [0, 4, '範例診所', 'match'],
      [5, 7, '糾紛', 'match'],
    ]);
  });

  it('leaves out rules none of whose terms occur', () => {
    expect(m.explain(normalizeForMatch('今天天氣很好'))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Randomised comparison with a naive reference: every term searched with indexOf, every query
// evaluated by brute force. Small alphabets make terms collide, overlap and repeat.

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const ALPHABET = ['診', '所', '糾', '紛', '医', '醫', 'a', 'b', 'ab', ' ', '，', 'Ａ'];

function naiveOccurrences(text: string, norm: string): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  for (let i = text.indexOf(norm); i >= 0; i = text.indexOf(norm, i + 1)) if (hasTermBoundaries(text, i, i + norm.length)) out.push({ start: i, end: i + norm.length });
  return out;
}

function naiveEval(node: QueryNode, text: string): boolean {
  switch (node.kind) {
    case 'term':
      return naiveOccurrences(text, node.norm).length > 0;
    case 'not':
      return !naiveEval(node.child, text);
    case 'and':
      return node.children.every((c) => naiveEval(c, text));
    case 'or':
      return node.children.some((c) => naiveEval(c, text));
    case 'near': {
      const ls = node.left.flatMap((t) => naiveOccurrences(text, t.norm));
      const rs = node.right.flatMap((t) => naiveOccurrences(text, t.norm));
      return ls.some((a) =>
        rs.some((b) => {
          const [x, y] = a.start <= b.start ? [a, b] : [b, a];
          if (y.start <= x.end) return true;
          const between = text.slice(x.end, y.start);
          const gap = node.unit === 'chars' ? between.length : (between.match(/[a-z0-9']+|[\u3400-\u9fff]/g) ?? []).length;
          return gap <= node.distance;
        }),
      );
    }
  }
}

describe('matcher against a naive reference on randomised inputs', () => {
  it('agrees on which rules hit and which topics they carry', () => {
    const rand = rng(20260301);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const word = () => {
      let w = '';
      const n = 1 + Math.floor(rand() * 3);
      for (let i = 0; i < n; i++) w += pick(ALPHABET.filter((c) => c !== ' ' && c !== '，'));
      return w;
    };
    const queries = () => {
      const a = word();
      const b = word();
      return pick([`${a} OR ${b}`, `${a} ${b}`, `${a} -${b}`, `${a} NEAR/${Math.floor(rand() * 4)} ${b}`, `(${a} OR ${b}) -${word()}`]);
    };
    for (let round = 0; round < 40; round++) {
      const rules = Array.from({ length: 6 }, (_, r) =>
        ruleFixture({
          id: `r${r}`,
          match: { any: [word(), word()], all: rand() < 0.3 ? [word()] : [], exclude: rand() < 0.3 ? [word()] : [], ...(rand() < 0.5 ? { query: queries() } : {}) } as never,
          topics: { t: { risk: 'high', terms: [word()] } },
        }),
      );
      const matcher = compileMatcher(rules);
      for (let k = 0; k < 50; k++) {
        let raw = '';
        const len = Math.floor(rand() * 25);
        for (let i = 0; i < len; i++) raw += pick(ALPHABET);
        const text = normalizeForMatch(raw);
        const has = (w: string) => naiveOccurrences(text, normalizeForMatch(w)).length > 0;
        const expected = rules
          .filter((r) => r.match.any.some(has) && r.match.all.every(has) && !r.match.exclude.some(has) && (r.match.query === undefined || naiveEval(parseQuery(r.match.query).root, text)))
          .map((r) => ({ ruleId: r.id, topics: r.topics.t!.terms.some(has) ? ['t'] : [] }));
        const actual = matcher.match(text).map((h: RuleHit) => ({ ruleId: h.ruleId, topics: h.topics.map((t) => t.topic) }));
        expect({ raw, actual }).toEqual({ raw, actual: expected });
      }
    }
  });
});
