import { EN_SENTIMENT_METHOD } from '../../src/text/sentiment-en';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main';
import { memoryOutput } from '../../src/cli/output';
import { scoreCommand } from '../../src/cli/commands/score';
import { sampleProject } from '../helpers/project-dir';

const RULE = `
id: query-clinic
name: 查詢診所
match:
  query: '(範例診所 OR "Example Clinic") -徵才'
topics:
  dispute: { risk: high, query: '(告 OR 賠) NEAR/4 (醫師 OR 診所)' }
levels:
  L1: { when: "mentions >= 1", sla: { respond: 1h, resolve: 24h }, notify: [frontline] }
`;

describe('yuqing explain', () => {
  let p: ReturnType<typeof sampleProject>;
  beforeEach(() => {
    p = sampleProject();
  });
  afterEach(() => p.cleanup());

  it('marks the matched words, names rule, topic and risk, and lists the sentiment words', async () => {
    const out = memoryOutput();
    expect(await main(['node', 'yuqing', '--config', p.config, 'explain', '--no-color', '范例诊所传出医疗纠纷，家属说要提告'], out)).toBe(0);
    const text = out.stdout.join('\n');
    expect(text).toContain('【范例诊所】传出〔医疗纠纷〕');
    expect(text).toContain('✔ example-clinic 符合');
    expect(text).toMatch(/議題 dispute（風險 high）：醫療糾紛、提告/);
    expect(text).toMatch(/負面 negative -0\.\d+/);
    expect(text).toContain('醫療糾紛');
  });

  it('says why a rule that came close did not match: an exclusion fired', async () => {
    const out = memoryOutput();
    await main(['node', 'yuqing', '--config', p.config, 'explain', '--no-color', '範例診所徵才：誠徵櫃台'], out);
    const text = out.stdout.join('\n');
    expect(text).toContain('✘ example-clinic 不符合');
    expect(text).toContain('排除詞「徵才」出現');
    expect(text).toContain('［徵才］');
  });

  it('uses only the rule file given with --rules, and leaves out a topic whose NEAR pair is too far apart', async () => {
    const rule = p.write('other/query-clinic.yaml', RULE);
    const out = memoryOutput();
    expect(await main(['node', 'yuqing', 'explain', '--no-color', '--rules', rule, 'Example Clinic 的病人說要告，後來又說醫師很好'], out)).toBe(0);
    const text = out.stdout.join('\n');
    expect(text).toContain('✔ query-clinic 符合');
    expect(text).not.toContain('example-clinic');
    const far = memoryOutput();
    await main(['node', 'yuqing', 'explain', '--no-color', '--rules', rule, '範例診所的事，這件事情我覺得不對所以想告，真的和那位醫師完全無關'], far);
    expect(far.stdout.join('\n')).not.toContain('議題 dispute');
  });

  it('colours spans with ANSI codes when asked', async () => {
    const out = memoryOutput();
    await main(['node', 'yuqing', '--config', p.config, 'explain', '--color', '範例診所'], out);
    expect(out.stdout.join('\n')).toContain('\x1b[30;43m範例診所\x1b[0m');
  });

  it('rejects an unknown --lang', async () => {
    const out = memoryOutput();
    expect(await main(['node', 'yuqing', '--config', p.config, 'explain', '--lang', 'fr', '範例診所'], out)).toBe(1);
    expect(out.stderr.join('\n')).toContain('E_USAGE');
  });

  it('exits 1 listing the problem when the --rules file has a query error', async () => {
    const rule = p.write('other/bad.yaml', RULE.replace("-徵才'", "-徵才 AND'"));
    const out = memoryOutput();
    expect(await main(['node', 'yuqing', 'explain', '--rules', rule, '範例診所'], out)).toBe(1);
    expect(out.stderr.join('\n')).toMatch(/bad\.yaml:5:\d+ 鍵 match\.query：查詢語法錯誤/);
  });
});

describe('yuqing score', () => {
  let p: ReturnType<typeof sampleProject>;
  beforeEach(() => {
    p = sampleProject();
  });
  afterEach(() => p.cleanup());

  const run = async (input: string, opts: Parameters<typeof scoreCommand>[1] = {}) => {
    const out = memoryOutput();
    const code = await scoreCommand(p.config, opts, Readable.from([input]), out);
    return { code, records: out.stdout.map((l) => JSON.parse(l) as Record<string, unknown>), stderr: out.stderr.join('\n') };
  };

  it('scores NDJSON mentions and plain lines, keeping ids, one output line per input line', async () => {
    const { code, records } = await run(['{"id":"m1","title":"範例診所 心得","body":"大推王大明醫師"}', '範例診所很雷，不推', '', '{"text":"The Example Clinic staff were rude."}'].join('\n'));
    expect(code).toBe(0);
    expect(records).toHaveLength(3);
    expect(records[0]).toMatchObject({ id: 'm1', lang: 'zh', rules: [{ ruleId: 'example-clinic' }], sentiment: { label: 'positive' } });
    expect(records[1]).toMatchObject({ lang: 'zh', sentiment: { label: 'negative' } });
    expect(records[1]).not.toHaveProperty('id');
    expect(records[2]).toMatchObject({ lang: 'en', rules: [{ ruleId: 'example-clinic' }], sentiment: { label: 'negative', method: EN_SENTIMENT_METHOD } });
  });

  it('marks unusable lines and exits 3, scoring the rest', async () => {
    const { code, records, stderr } = await run('{"oops"\n{"id":2}\n{"title":5}\n範例診所');
    expect(code).toBe(3);
    expect(records.slice(0, 3).map((r) => r.line)).toEqual([1, 2, 3]);
    expect(String(records[0]!.error)).toContain('不是有效的 JSON');
    expect(String(records[1]!.error)).toContain('title、body 或 text');
    expect(String(records[2]!.error)).toContain('title、body 或 text');
    expect(records[3]).toMatchObject({ rules: [{ ruleId: 'example-clinic' }] });
    expect(stderr).toContain('3 行無法評分');
  });

  it('reads every line as text with --text', async () => {
    const { records } = await run('{"title":"範例診所"}', { text: true });
    expect(records[0]).toMatchObject({ rules: [{ ruleId: 'example-clinic' }] });
  });
});
