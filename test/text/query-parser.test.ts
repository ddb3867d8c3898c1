import { ExpressionError } from '../../src/core/errors';
import { MAX_NEAR_DISTANCE } from '../../src/text/query/query-lexer';
import { parseQuery, type QueryNode } from '../../src/text/query/query-parser';

/** The tree as a compact string: terms by normalised form, scopes as prefixes. */
function show(node: QueryNode): string {
  switch (node.kind) {
    case 'term':
      return `${node.scope === 'any' ? '' : `${node.scope}:`}${node.phrase ? `"${node.norm}"` : node.norm}`;
    case 'near':
      return `NEAR/${node.distance}${node.unit === 'words' ? 'w' : 'c'}([${node.left.map(show).join('|')}], [${node.right.map(show).join('|')}])`;
    case 'not':
      return `NOT(${show(node.child)})`;
    default:
      return `${node.kind.toUpperCase()}(${node.children.map(show).join(', ')})`;
  }
}

const parse = (q: string) => show(parseQuery(q).root);

function errorOf(query: string): ExpressionError {
  try {
    parseQuery(query);
  } catch (err) {
    if (err instanceof ExpressionError) return err;
    throw err;
  }
  throw new Error(`expected「${query}」to be rejected`);
}

describe('parseQuery: the language', () => {
  it('reads terms side by side as AND, and AND binding tighter than OR', () => {
    expect(parse('範例診所 醫療糾紛')).toBe('AND(範例診所, 醫療糾紛)');
    expect(parse('A AND B OR C')).toBe('OR(AND(a, b), c)');
    expect(parse('A OR B C')).toBe('OR(a, AND(b, c))');
    expect(parse('A AND (B OR C)')).toBe('AND(a, OR(b, c))');
  });

  it('accepts operators in any case, and quoted operator words as terms', () => {
    expect(parse('a or b and not c')).toBe('OR(a, AND(b, NOT(c)))');
    expect(parse('"or" "AND"')).toBe('AND("or", "and")');
  });

  it('reads exact phrases with English and Chinese quotes, normalised', () => {
    expect(parse('"Example Clinic"')).toBe('"example clinic"');
    expect(parse('「医疗纠纷」 『王大明 醫師』 “Dr. Wang”')).toBe('AND("醫療糾紛", "王大明 醫師", "dr. wang")');
  });

  it('reads NOT and a glued minus as exclusions', () => {
    expect(parse('範例診所 -徵才 NOT 誠徵')).toBe('AND(範例診所, NOT(徵才), NOT(誠徵))');
    expect(parse('範例診所 -(徵才 OR 誠徵)')).toBe('AND(範例診所, NOT(OR(徵才, 誠徵)))');
  });

  it('counts NEAR in characters for CJK terms and in words for Latin ones', () => {
    expect(parse('範例診所 NEAR/5 糾紛')).toBe('NEAR/5c([範例診所], [糾紛])');
    expect(parse('refund NEAR/3 clinic')).toBe('NEAR/3w([refund], [clinic])');
    expect(parse('"Example Clinic" NEAR/3 糾紛')).toBe('NEAR/3c(["example clinic"], [糾紛])');
    expect(parse('(範例診所 OR 王醫師) near/10 (提告 OR 求償)')).toBe('NEAR/10c([範例診所|王醫師], [提告|求償])');
  });

  it('scopes to title or body, in English or Chinese field names, down into groups', () => {
    expect(parse('title:醫療糾紛 body:(提告 OR 求償)')).toBe('AND(title:醫療糾紛, OR(body:提告, body:求償))');
    expect(parse('標題:糾紛 內文:"王大明"')).toBe('AND(title:糾紛, body:"王大明")');
    expect(parse('title:(A NEAR/2 B)')).toBe('NEAR/2w([title:a], [title:b])');
  });

  it('folds full-width syntax typed with a Chinese input method', () => {
    expect(parse('（範例診所　ＯＲ　王醫師）　－徵才')).toBe('AND(OR(範例診所, 王醫師), NOT(徵才))');
    expect(parse('title：糾紛')).toBe('title:糾紛');
  });

  it('keeps colons that are not field prefixes inside terms', () => {
    expect(parse('10:30 公告:停診')).toBe('AND(10:30, 公告:停診)');
    expect(parse('https://example.com/a')).toBe('https://example.com/a');
  });

  it('lists every term in the order written, with offsets into the query', () => {
    const q = parseQuery('範例診所 -徵才 "Example Clinic"');
    expect(q.terms.map((t) => [t.written, t.start, t.end])).toEqual([
      ['範例診所', 0, 4],
      ['徵才', 6, 8],
      ['Example Clinic', 9, 25],
    ]);
  });
});

describe('parseQuery: every error names the offending token', () => {
  // [query, offset of the token, words of the message]
  const cases: Array<[string, number, string]> = [
    ['', 0, '查詢是空的'],
    ['診所 "醫療糾紛', 3, '引號「"」沒有結束'],
    ['診所 「醫療糾紛', 3, '請補上「」」'],
    ['診所 ""', 3, '引號裡沒有內容'],
    ['診所 - 徵才', 3, '減號後面要緊接要排除的詞'],
    ['診所 NEAR 糾紛', 3, 'NEAR 後面要寫距離'],
    ['診所 NEAR/x 糾紛', 8, '不是整數'],
    [`診所 NEAR/${MAX_NEAR_DISTANCE + 1} 糾紛`, 8, '太大'],
    ['(診所 OR 醫師', 0, '沒有對應的右括號'],
    ['診所 OR 醫師)', 8, '多了一個右括號'],
    ['診所 ()', 3, '括號裡沒有內容'],
    ['(', 1, '查詢在這裡意外結束'],
    [') 診所', 0, '多了一個右括號「)」，或括號前少了詞'],
    ['診所 OR', 3, '「OR」後面少了詞'],
    ['診所 AND)', 3, '「AND」後面少了詞'],
    ['診所 NOT', 3, '「NOT」後面少了詞'],
    ['診所 NEAR/3', 3, '「NEAR/3」後面少了詞'],
    ['OR 診所', 0, '「OR」前面要有詞'],
    ['NEAR/3 診所', 0, '「NEAR」前面要有詞'],
    ['(A AND B) NEAR/3 C', 1, 'NEAR 的兩邊只能是詞'],
    ['A NEAR/3 -B', 9, '排除（NOT、-）不能用在 NEAR 的兩邊'],
    ['A NEAR/3 B NEAR/3 C', 11, 'NEAR 不能連用'],
    ['titel:診所', 0, '未知的欄位「titel」'],
    ['title:(body:診所)', 7, '裡面不能再指定'],
    ['診所 title:', 3, '後面要接詞'],
    ['NOT 徵才', 0, '至少要有一個必須出現的詞'],
    ['-徵才 OR 診所', 0, '至少要有一個必須出現的詞'],
    ['診所 \u200B', 3, '正規化後是空字串'],
  ];

  it.each(cases)('%j → offset %i, 「%s」', (query, offset, words) => {
    const err = errorOf(query);
    expect(err.code).toBe('E_EXPRESSION');
    expect(err.offset).toBe(offset);
    expect(err.message).toContain(words);
    // Every message has its English gloss in parentheses.
    expect(err.message).toMatch(/\([a-zA-Z][^)]*\)$/);
  });
});
