import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectorsTestCommand } from '../../src/cli/commands/connectors-test';
import { memoryOutput } from '../../src/cli/output';
import { silentLogger } from '../../src/core/logger';
import { fixtureBytes } from '../connectors/fixtures';
import { TEST_RULE } from '../helpers/e2e-project';
import { ROOT } from '../helpers/project-dir';
import { startServer, type TestServer } from '../http/helpers';

describe('yuqing connectors test FILE', () => {
  let server: TestServer;
  let dir: string;
  let blocked = false;

  beforeAll(async () => {
    server = await startServer((req, res) => {
      if (req.url === '/robots.txt') return void res.writeHead(404).end();
      if (blocked) return void res.writeHead(403, { 'content-type': 'text/html', 'cf-mitigated': 'challenge' }).end('<html>Just a moment...</html>');
      res.writeHead(200, { 'content-type': 'text/html' }).end(fixtureBytes('html/forum-list.big5.html'));
    });
    dir = mkdtempSync(join(tmpdir(), 'yuqing-ctest-'));
    mkdirSync(join(dir, 'rules'));
    cpSync(join(ROOT, 'rules', 'lexicons'), join(dir, 'rules', 'lexicons'), { recursive: true });
    writeFileSync(join(dir, 'rules', 'test-clinic.yaml'), TEST_RULE);
    writeFileSync(join(dir, 'yuqing.yaml'), 'storage: { sqlitePath: data/state.db }\nhttp: { perHostIntervalMs: 0, retries: 0, allowPrivateHosts: [127.0.0.1] }\n');
    writeFileSync(
      join(dir, 'forum.yaml'),
      `id: health-forum\nkind: html\nenabled: false\noptions:\n  url: "${server.url('/forum/list')}"\n  minIntervalMs: 0\n  selectors: { item: "tr.topic-row:not(.head)", link: ".subject a", date: ".date", author: ".poster", body: ".summary" }\n`,
    );
    writeFileSync(join(dir, 'broken.yaml'), 'id: broken\nkind: html\noptions: { url: "not a url" }\n');
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one NDJSON line per item with its rules and whether it would be stored, and stores nothing', async () => {
    blocked = false;
    const out = memoryOutput();
    const code = await connectorsTestCommand(join(dir, 'forum.yaml'), join(dir, 'yuqing.yaml'), out, { log: silentLogger() });
    expect(code).toBe(0);
    const lines = out.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
    const mentions = lines.filter((l) => l.type === 'mention');
    expect(mentions.map((m) => [m.title, m.wouldStore])).toEqual([
      ['範例診所割雙眼皮失敗求償經驗', true],
      ['請推薦台中的皮膚科診所', false],
      ['玻尿酸注射後瘀青正常嗎', false],
    ]);
    expect(mentions[0]).toMatchObject({ connector: 'health-forum', sourceType: 'forum', author: '小雨', rules: [expect.objectContaining({ ruleId: 'test-clinic' })] });
    expect(lines.filter((l) => l.type === 'warning')).toHaveLength(1);
    expect(out.stderr.join('\n')).toContain('enabled: false');
    expect(server.requests.filter((r) => r.url === '/robots.txt')).toHaveLength(1);
    // No state file was created.
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('prints the failure as an error line and exits 3 when the source blocks us', async () => {
    blocked = true;
    const out = memoryOutput();
    expect(await connectorsTestCommand(join(dir, 'forum.yaml'), join(dir, 'yuqing.yaml'), out, { log: silentLogger() })).toBe(3);
    expect(JSON.parse(out.stdout[0]!)).toMatchObject({ type: 'error', code: 'E_HTTP_BLOCKED', blocked: true, status: 403 });
  });

  it('reports an invalid connector file with file and key and exits 1', async () => {
    const out = memoryOutput();
    expect(await connectorsTestCommand(join(dir, 'broken.yaml'), join(dir, 'yuqing.yaml'), out)).toBe(1);
    expect(out.stderr.join('\n')).toMatch(/broken\.yaml:\d+:\d+ 鍵 options\.url/);
  });
});
