import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/errors';
import { loadConnectorFile, loadProject, loadRuleFile } from '../../src/config/load';
import { builtinRegistry } from '../../src/connectors/builtin';
import { ROOT, sampleProject } from '../helpers/project-dir';

const sampleRule = readFileSync(join(ROOT, 'rules', 'example-clinic.yaml'), 'utf8');
const recipients = new Set(['pr-lead', 'legal', 'director', 'frontline']);

function problemsOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

/** 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('project loading', () => {
  let p: ReturnType<typeof sampleProject>;
  beforeEach(() => {
    p = sampleProject();
  });
  afterEach(() => p.cleanup());

  it('accepts the shipped sample config, rules, connectors and lexicon', () => {
    const project = loadProject(p.config, builtinRegistry);
    expect(project.rules.map((r) => r.config.id)).toEqual(['example-clinic']);
    expect(project.rules[0]!.version).toMatch(/^[0-9a-f]{12}$/);
    // Every shipped connector file loads; the examples of unverified sources ship disabled.
    const ids = project.connectors.map((c) => c.config.id);
    expect(ids).toEqual(expect.arrayContaining(['google-alerts-example', 'google-news-example-clinic', 'ptt-facelift', 'dcard-facelift', 'news-ltn-life', 'html-mobile01-example']));
    expect(project.connectors.filter((c) => c.config.enabled).map((c) => c.config.id).sort()).toEqual(['google-news-example-clinic', 'ptt-facelift']);
    expect(project.main.timeZone).toBe('Asia/Taipei');
    expect(project.paths.sqlite).toBe(join(p.dir, 'data', 'yuqing.db'));
  });

  it('names file, line and column of a YAML syntax error', () => {
    const text = sampleRule.replace('name: 範例診所', 'name: [範例診所');
    const file = p.write('rules/example-clinic.yaml', text);
    const err = problemsOf(() => loadRuleFile(file, recipients));
    expect(err.code).toBe('E_CONFIG_YAML');
    expect(err.problems[0]!.file).toContain('example-clinic.yaml');
    expect(err.problems[0]!.line).toBeGreaterThanOrEqual(lineOf(text, 'name: [範例診所'));
    expect(err.problems[0]!.message).toMatch(/^YAML 語法錯誤/);
  });

  it('names file, key path and line of a schema error, in zh-TW', () => {
    const text = sampleRule.replace('risk: medium', 'risk: critical');
    const file = p.write('rules/example-clinic.yaml', text);
    const err = problemsOf(() => loadRuleFile(file, recipients));
    expect(err.code).toBe('E_CONFIG_SCHEMA');
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ keyPath: 'topics.service.risk', line: lineOf(text, 'risk: critical') });
    expect(err.problems[0]!.message).toContain('無效的選項');
  });

  it('points at an unknown key itself', () => {
    const text = sampleRule.replace('cooldown: 2h', 'cooldown: 2h\ncooldwn: 3h');
    const file = p.write('rules/example-clinic.yaml', text);
    const err = problemsOf(() => loadRuleFile(file, recipients));
    expect(err.problems[0]).toMatchObject({ keyPath: 'cooldwn', line: lineOf(text, 'cooldwn'), column: 1 });
    expect(err.problems[0]!.message).toContain('無法識別的鍵「cooldwn」');
  });

  it('points at the offending token of a level condition', () => {
    const text = sampleRule.replace('when: "highRisk >= 2 or', 'when: "highRsk >= 2 or');
    const file = p.write('rules/example-clinic.yaml', text);
    const err = problemsOf(() => loadRuleFile(file, recipients));
    const line = lineOf(text, 'highRsk');
    const column = text.split('\n')[line - 1]!.indexOf('highRsk') + 1;
    expect(err.problems[0]).toMatchObject({ keyPath: 'levels.L2.when', line, column });
    expect(err.problems[0]!.message).toContain('highRisk');
  });

  it('rejects a level that notifies a recipient the main config does not define', () => {
    const file = p.write('rules/example-clinic.yaml', sampleRule.replace('notify: [frontline]', 'notify: [front-line]'));
    const err = problemsOf(() => loadRuleFile(file, recipients));
    expect(err.code).toBe('E_CONFIG_REF');
    expect(err.problems[0]).toMatchObject({ keyPath: 'levels.L1.notify[0]' });
    expect(err.problems[0]!.message).toContain('front-line');
  });

  it('checks connector options with the kind schema, under options.*', () => {
    const file = p.write('connectors/bad.yaml', 'id: bad\nkind: rss\noptions:\n  url: not a url\n');
    const err = problemsOf(() => loadConnectorFile(file, builtinRegistry));
    expect(err.problems[0]!.keyPath).toMatch(/^options/);
    expect(err.problems[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('rejects an unknown connector kind, listing the known ones', () => {
    const file = p.write('connectors/bad.yaml', 'id: bad\nkind: myspace\n');
    const err = problemsOf(() => loadConnectorFile(file, builtinRegistry));
    expect(err.problems[0]).toMatchObject({ keyPath: 'kind', line: 2 });
    expect(err.problems[0]!.message).toContain('rss');
  });

  it('collects the problems of every file at once, including duplicate ids', () => {
    p.write('rules/copy.yaml', sampleRule);
    p.write('connectors/broken.yaml', 'id: [oops\n');
    const err = problemsOf(() => loadProject(p.config, builtinRegistry));
    const messages = err.problems.map((x) => `${x.file} ${x.message}`);
    expect(messages.some((m) => m.includes('重複'))).toBe(true);
    expect(messages.some((m) => m.includes('broken.yaml') && m.includes('YAML'))).toBe(true);
  });

  it('refuses a YAML alias bomb instead of expanding it', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const file = p.write('rules/bomb.yaml', bomb.join('\n') + '\n');
    const err = problemsOf(() => loadRuleFile(file, recipients));
    expect(err.code).toBe('E_CONFIG_YAML');
  });
});
