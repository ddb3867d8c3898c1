import { mkdirSync, mkdtempSync, readFileSync, rmSync, cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject } from '../../src/config/load';
import { builtinRegistry } from '../../src/connectors/builtin';
import { ManualClock } from '../../src/core/clock';
import { silentLogger } from '../../src/core/logger';
import { App } from '../../src/pipeline/app';
import { ROOT } from '../helpers/project-dir';
import { rss } from '../helpers/feed-host';
import { HostileServer, transportRoutes } from './hostile-server';

/**
 * The whole daemon against a world where most sources are hostile at once: one cycle of every
 * connector — huge bodies, bombs, dripping and silent servers, redirect loops, entity bombs, XXE,
 * broken XML, an internal address — next to one honest feed. The cycle ends in bounded time, every
 * hostile source is recorded as failing with its own code, and the honest feed's crisis is stored
 * and alerted as if nothing else were happening.
 */

const NOW = Date.parse('2026-03-16T02:30:00Z');
const TIMEOUT_MS = 2_000;

describe('one daemon cycle against many hostile sources at once', () => {
  const h = new HostileServer();
  let dir: string;
  let app: App;
  const expected: Record<string, string> = {};

  beforeAll(async () => {
    await h.start();
    const t = await transportRoutes(h);
    const corpus = (file: string): string => {
      const body = readFileSync(join(__dirname, 'corpus', file));
      return h.route(`/corpus/${file}`, (_q, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body));
    };
    const honest = h.route('/honest.xml', (_q, res) =>
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(
        rss([
          { title: '範例診所爆醫療糾紛', link: 'http://news.example.tw/a/1', date: new Date(NOW - 20 * 60_000), description: '家屬揚言提告' },
          { title: '範例診所醫療糾紛 後續', link: 'http://news.example.tw/a/2', date: new Date(NOW - 10 * 60_000), description: '提告' },
        ]),
      ),
    );
    const sources: Record<string, [string, string]> = {
      honest: [honest, 'ok'],
      huge: [t.huge!, 'E_HTTP_TOO_LARGE'],
      'huge-declared': [t.hugeDeclared!, 'E_HTTP_TOO_LARGE'],
      'gzip-bomb': [t.gzipBomb!, 'E_HTTP_TOO_LARGE'],
      'br-bomb': [t.brotliBomb!, 'E_HTTP_TOO_LARGE'],
      drip: [t.drip!, 'E_HTTP_TIMEOUT'],
      silent: [t.silent!, 'E_HTTP_TIMEOUT'],
      loop: [t.loopA!, 'E_HTTP_REDIRECT'],
      chain: [t.chain!, 'E_HTTP_REDIRECT'],
      'to-file': [t.toFile!, 'E_HTTP_REDIRECT'],
      truncated: [t.truncated!, 'E_HTTP_NETWORK'],
      'gzip-error': [t.gzipError!, 'E_HTTP_STATUS'],
      'unknown-encoding': [t.unknownEncoding!, 'E_HTTP_NETWORK'],
      'billion-laughs': [corpus('billion-laughs.xml'), 'E_FEED_PARSE'],
      'xxe-file': [corpus('xxe-file.xml'), 'E_FEED_PARSE'],
      'html-page': [corpus('html-error-page.xml'), 'E_FEED_PARSE'],
      metadata: ['http://169.254.169.254/latest/meta-data/', 'E_HTTP_FORBIDDEN_ADDRESS'],
    };
    dir = mkdtempSync(join(tmpdir(), 'yuqing-hostile-daemon-'));
    mkdirSync(join(dir, 'rules'), { recursive: true });
    mkdirSync(join(dir, 'connectors'), { recursive: true });
    cpSync(join(ROOT, 'rules', 'lexicons'), join(dir, 'rules', 'lexicons'), { recursive: true });
    writeFileSync(
      join(dir, 'rules', 'clinic.yaml'),
      `id: clinic
name: 範例診所
match: { any: [範例診所] }
topics:
  dispute: { name: 醫療糾紛, risk: high, terms: [醫療糾紛, 提告] }
levels:
  L2: { when: "highRisk >= 2", sla: { respond: 30m, resolve: 12h }, notify: [pr-lead] }
cooldown: 2h
`,
    );
    for (const [id, [url, code]] of Object.entries(sources)) {
      writeFileSync(join(dir, 'connectors', `${id}.yaml`), `id: ${id}\nkind: rss\noptions:\n  url: "${url}"\n`);
      expected[id] = code;
    }
    writeFileSync(
      join(dir, 'yuqing.yaml'),
      `storage: { sqlitePath: data/state.db }
http: { perHostIntervalMs: 0, retries: 0, timeoutMs: ${TIMEOUT_MS}, maxBodyBytes: 2097152, maxRedirects: 5, allowPrivateHosts: [127.0.0.1] }
server: { enabled: false }
recipients:
  pr-lead: { name: 公關主管 }
`,
    );
    app = new App(loadProject(join(dir, 'yuqing.yaml'), builtinRegistry), { log: silentLogger(), clock: new ManualClock(NOW), processMetrics: false, server: false });
  });

  afterAll(async () => {
    await app.stop();
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the cycle in bounded time, each hostile source failing with its own code, the honest one alerting', async () => {
    const t0 = performance.now();
    const cycle = await app.runCycle();
    const ms = performance.now() - t0;
    // All sources run concurrently; the slowest hostile one waits out one timeout.
    expect(ms).toBeLessThan(TIMEOUT_MS + 8_000);

    const outcome = Object.fromEntries(cycle.polls.map((p) => [p.connector, p.ok ? 'ok' : p.code]));
    expect(outcome).toEqual(expected);
    for (const s of app.store.sources.list()) {
      if (s.connector === 'honest') expect(s.status).toBe('ok');
      else expect([s.connector, s.status, s.lastErrorCode]).toEqual([s.connector, 'failing', expected[s.connector]]);
    }
    expect(app.store.mentions.recentMentions(10).map((m) => m.title).sort()).toEqual(['範例診所爆醫療糾紛', '範例診所醫療糾紛 後續']);
    expect(cycle.detections.flatMap((d) => d.events.map((e) => [d.ruleId, e.type, e.toLevel]))).toEqual([['clinic', 'opened', 'L2']]);
    // What the hostile servers managed to push: a few MB, not the 200 MB and 2 GiB they offered.
    const pushed = [...h.sent.values()].reduce((a, b) => a + b, 0);
    expect(pushed).toBeLessThan(80 * 1024 * 1024);
  });
});
