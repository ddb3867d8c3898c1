import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/errors';
import { defaultLexiconPath, loadLexicon, parseLexicon } from '../../src/text/lexicon';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('the shipped lexicon', () => {
  const lexicon = loadLexicon(defaultLexiconPath());

  it('is found from the package root and validates', () => {
    expect(defaultLexiconPath()).toMatch(/rules[\\/]lexicons[\\/]sentiment\.zh-TW\.yaml$/);
    expect(lexicon.positive.length + lexicon.negative.length).toBeGreaterThanOrEqual(150);
  });

  it('has the forum idioms and the seeds\' crisis words on the right side', () => {
    const pos = new Set(lexicon.positive.map((w) => w.term));
    const neg = new Set(lexicon.negative.map((w) => w.term));
    for (const w of ['推', '推薦', '大推', '專業', '細心', '親切', '感謝', '滿意', '效果好']) expect(pos.has(w)).toBe(true);
    for (const w of ['噓', '雷', '踩雷', '避雷', '不推', '醫療糾紛', '醫療疏失', '誤診', '求償', '提告', '退費', '亂收費', '態度差', '詐騙', '個資外洩', '強制執行', '查封', '炎上', '負評']) {
      expect(neg.has(w)).toBe(true);
    }
    for (const w of ['不', '沒', '沒有', '別', '無', '未', '非', '不會', '不太']) expect(lexicon.negators).toContain(w);
    expect(lexicon.intensifiers.map((i) => i.term)).toEqual(expect.arrayContaining(['很', '超', '非常', '太', '超級', '極', '十分', '有夠']));
  });
});

describe('loadLexicon errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yuqing-lexicon-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('names the file, key and line of an invalid weight', () => {
    const path = write('bad-weight.yaml', 'positive:\n  - { term: 推, weight: 2 }\n  - { term: 讚, weight: -1 }\n');
    const err = configError(() => loadLexicon(path));
    expect(err.code).toBe('E_CONFIG_SCHEMA');
    expect(err.problems[0]).toMatchObject({ keyPath: 'positive[1].weight', line: 3 });
    expect(err.message).toContain('bad-weight.yaml');
    expect(err.message).toContain('positive[1].weight');
  });

  it('reports a word listed twice (after normalisation), pointing at the second one', () => {
    const err = configError(() => parseLexicon('positive:\n  - { term: 專業, weight: 2 }\nnegative:\n  - { term: 专业, weight: 1 }\n', 'rules/lexicons/dup.yaml'));
    expect(err.problems[0]).toMatchObject({ file: 'rules/lexicons/dup.yaml', keyPath: 'negative[0].term', line: 4 });
    expect(err.problems[0]?.message).toContain('positive[0]');
  });

  it('names an unknown key', () => {
    const err = configError(() => parseLexicon('positive: []\nnegatorz: [不]\n', 'lex.yaml'));
    expect(err.problems[0]).toMatchObject({ file: 'lex.yaml', keyPath: 'negatorz', line: 2 });
  });

  it('names an invalid setting', () => {
    const err = configError(() => parseLexicon('settings:\n  modifierWindowChars: 2.5\n', 'lex.yaml'));
    expect(err.problems[0]).toMatchObject({ keyPath: 'settings.modifierWindowChars', line: 2 });
  });

  it('reports YAML syntax errors with the file and line', () => {
    const err = configError(() => parseLexicon('positive:\n  - { term: 推, weight: 2\nnegative: []\n', 'broken.yaml'));
    expect(err.code).toBe('E_CONFIG_YAML');
    expect(err.problems[0]?.file).toBe('broken.yaml');
    expect(err.message).toMatch(/^broken\.yaml.*YAML 語法錯誤/);
  });

  it('reports a missing file as E_CONFIG_IO naming it', () => {
    const err = configError(() => loadLexicon(join(dir, 'missing.yaml')));
    expect(err.code).toBe('E_CONFIG_IO');
    expect(err.message).toContain('missing.yaml');
  });

  it('fills defaults for an empty file', () => {
    const lex = parseLexicon('', 'empty.yaml');
    expect(lex.positive).toEqual([]);
    expect(lex.settings).toEqual({ modifierWindowChars: 3, negationFactor: 0.75, scale: 4, neutralBand: 0.15, ruleTermWeight: 2, contrastBefore: 0.5, contrastAfter: 1.5, questionFactor: 0.3, rhetoricalWeight: 1.5 });
  });
});
