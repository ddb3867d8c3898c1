import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { memoryOutput } from '../../src/cli/output';
import { ROOT, sampleProject } from '../helpers/project-dir';

const sampleRule = readFileSync(join(ROOT, 'rules', 'example-clinic.yaml'), 'utf8');

describe('yuqing validate', () => {
  let p: ReturnType<typeof sampleProject>;
  beforeEach(() => {
    p = sampleProject();
  });
  afterEach(() => p.cleanup());

  it('passes the shipped samples and says what it checked', async () => {
    const out = memoryOutput();
    expect(await main(['node', 'yuqing', '--config', p.config, 'validate'], out)).toBe(0);
    expect(out.stdout.join('\n')).toContain('規則 ');
    expect(out.stdout.join('\n')).toContain('全部通過');
  });

  it('exits non-zero with file, line and key for a YAML error', async () => {
    p.write('rules/example-clinic.yaml', sampleRule.replace('  bucket: 15m', '  bucket: 15m\n    broken: [x'));
    const out = memoryOutput();
    expect(await main(['node', 'yuqing', '--config', p.config, 'validate'], out)).toBe(1);
    const text = out.stderr.join('\n');
    expect(text).toMatch(/設定檢查失敗/);
    expect(text).toMatch(/rules\/example-clinic\.yaml:\d+:\d+.*YAML 語法錯誤/);
  });

  it('exits non-zero with file, line and key for a schema error', async () => {
    const text = sampleRule.replace('minCount: 5', 'minCount: 五');
    p.write('rules/example-clinic.yaml', text);
    const out = memoryOutput();
    expect(await main(['node', 'yuqing', '--config', p.config, 'validate'], out)).toBe(1);
    const line = text.split('\n').findIndex((l) => l.includes('minCount: 五')) + 1;
    expect(out.stderr.join('\n')).toContain(`rules/example-clinic.yaml:${line}:13 鍵 volume.minCount：`);
  });

  it('warns about secrets the environment does not provide, without failing', async () => {
    const out = memoryOutput();
    const saved = process.env.YUQING_WEBHOOK_URL;
    delete process.env.YUQING_WEBHOOK_URL;
    try {
      expect(await main(['node', 'yuqing', '--config', p.config, 'validate'], out)).toBe(0);
    } finally {
      if (saved !== undefined) process.env.YUQING_WEBHOOK_URL = saved;
    }
    expect(out.stderr.join('\n')).toContain('YUQING_WEBHOOK_URL');
  });
});
