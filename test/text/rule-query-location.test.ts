import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuleFile } from '../../src/config/load';
import { ConfigError } from '../../src/core/errors';

/** A rule file whose match block is `matchYaml` (already indented by two spaces). */
function ruleYaml(matchYaml: string, topicsYaml = ''): string {
  return [
    'id: q-test',
    'name: 查詢測試',
    'match:',
    matchYaml,
    topicsYaml,
    'levels:',
    '  L1: { when: "mentions >= 1", sla: { respond: 1h, resolve: 24h }, notify: [frontline] }',
    '',
  ].join('\n');
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'yuqing-query-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemOf(yaml: string) {
  const path = join(dir, `rule-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, yaml);
  try {
    loadRuleFile(path);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems[0]!;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('rule queries in YAML files', () => {
  it('accepts a valid query and a topic query', () => {
    const path = join(dir, 'ok.yaml');
    writeFileSync(path, ruleYaml('  query: \'範例診所 -徵才\'', 'topics:\n  dispute: { risk: high, query: "(告 OR 賠) NEAR/5 醫師" }'));
    expect(loadRuleFile(path).config.match.query).toBe('範例診所 -徵才');
  });

  it('points at the offending token in a plain scalar', () => {
    const p = problemOf(ruleYaml('  query: 範例診所 AND OR 王醫師'));
    // 「  query: 」 is 9 columns; AND is at offset 5 of the value.
    expect(p).toMatchObject({ keyPath: 'match.query', line: 4, column: 10 + 5 });
    expect(p.message).toContain('查詢語法錯誤：「AND」後面少了詞');
  });

  it('counts the opening quote and escapes of a double-quoted scalar', () => {
    // NEAR is at offset 5 of the value; in the file, the opening quote and two backslashes precede it.
    const p = problemOf(ruleYaml('  query: "\\"診所\\" NEAR 糾紛"'));
    expect(p).toMatchObject({ keyPath: 'match.query', line: 4, column: 10 + 1 + 2 + 5 });
    expect(p.message).toContain('NEAR 後面要寫距離');
  });

  it('follows a query written over several lines of a block scalar', () => {
    const p = problemOf(ruleYaml('  query: >-\n    範例診所\n    AND (糾紛 OR 提告'));
    expect(p).toMatchObject({ keyPath: 'match.query', line: 6, column: 9 });
    expect(p.message).toContain('沒有對應的右括號');
  });

  it('locates a topic query error under its topic', () => {
    const p = problemOf(ruleYaml('  any: [範例診所]', 'topics:\n  dispute:\n    risk: high\n    query: 告 NEAR/3 -醫師'));
    expect(p).toMatchObject({ keyPath: 'topics.dispute.query', line: 8, column: 12 + 9 });
  });

  it('reports a term that is empty after normalisation, with its line', () => {
    const p = problemOf(ruleYaml('  any: [範例診所, "\\u200B"]'));
    expect(p).toMatchObject({ keyPath: 'match.any[1]', line: 4 });
    expect(p.message).toContain('正規化後是空字串');
  });

  it('requires any or a query in match, and terms or a query in a topic', () => {
    expect(problemOf(ruleYaml('  exclude: [徵才]'))).toMatchObject({ keyPath: 'match.any' });
    expect(problemOf(ruleYaml('  any: [範例診所]', 'topics:\n  dispute: { risk: high }')).keyPath).toBe('topics.dispute.terms');
  });
});
