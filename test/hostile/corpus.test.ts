import fs from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { rssConnector } from '../../src/connectors/rss';
import { ManualClock } from '../../src/core/clock';
import { errorCode } from '../../src/core/errors';
import { silentLogger } from '../../src/core/logger';
import { EARLIEST_PLAUSIBLE_MS, MAX_FUTURE_SKEW_MS } from '../../src/connectors/feed-date';
import { testClient } from '../http/helpers';
import { CORPUS } from './corpus/cases';
import { HostileServer } from './hostile-server';

/**
 * The malformed-feed corpus (test/hostile/corpus/README.md), each file served by a local server and
 * read by the `rss` connector through the real HTTP client, as the daemon reads a feed: every case
 * ends in the expected items and warnings, or one typed error — and no case makes anything reach out
 * (a DTD or an external entity fetched, a local file opened).
 */

const NOW = Date.parse('2026-03-16T06:00:00Z');
const DIR = join(__dirname, 'corpus');

describe('the malformed-feed corpus', () => {
  const h = new HostileServer();
  const { client } = testClient({ maxBodyBytes: 1024 * 1024 });
  const outside = { connects: [] as string[], opened: [] as string[] };

  beforeAll(async () => {
    await h.start();
    for (const c of CORPUS) {
      const raw = fs.readFileSync(join(DIR, c.file));
      const body = raw.includes('__BASE__') ? Buffer.from(raw.toString('latin1').replaceAll('__BASE__', h.base), 'latin1') : raw;
      h.route(`/corpus/${c.file}`, (_q, res) => res.writeHead(200, { 'content-type': c.contentType }).end(body));
    }
    // What a parser that fetched DTDs or external entities would ask for.
    for (const path of ['/dtd/rss-0.91.dtd', '/dtd/xhtml1-transitional.dtd', '/leak']) h.route(path, (_q, res) => res.writeHead(200).end('<!ENTITY % leaked "x">'));
  });
  afterAll(() => h.stop());

  beforeEach(() => {
    outside.connects.length = 0;
    outside.opened.length = 0;
  });

  it('lists every file of the folder, and every case has a public source', () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.xml')).sort();
    expect(CORPUS.map((c) => c.file).sort()).toEqual(files);
    for (const c of CORPUS) expect(c.sources.length).toBeGreaterThan(0);
    const readme = fs.readFileSync(join(DIR, 'README.md'), 'utf8');
    for (const c of CORPUS) expect(readme).toContain(`\`${c.file}\``);
  });

  it.each(CORPUS.map((c) => [c.file, c] as const))('%s', async (file, c) => {
    const instance = rssConnector.create(rssConnector.optionsSchema.parse({ url: `${h.base}/corpus/${file}` }), { id: 'corpus' });
    const rt = { id: 'corpus', http: client, log: silentLogger(), clock: new ManualClock(NOW) };

    // While parsing, watch for anything leaving the process or touching the disk.
    const connect = jest.spyOn(net.Socket.prototype, 'connect');
    const openSync = jest.spyOn(fs, 'openSync');
    const open = jest.spyOn(fs, 'open');
    let outcome: { items: Array<{ title: string; publishedAt?: Date }>; warnings: string[] } | { error: unknown };
    try {
      const r = await instance.poll(rt);
      outcome = { items: r.items, warnings: r.warnings };
    } catch (error) {
      outcome = { error };
    }
    const calls = connect.mock.calls.length;
    const files = [...openSync.mock.calls, ...open.mock.calls].map((args) => String(args[0]));
    jest.restoreAllMocks();
    // The feed request itself is the one connection (kept alive, so often none is new).
    expect(calls).toBeLessThanOrEqual(1);
    expect(files.filter((f) => f.includes('passwd') || f.endsWith('.dtd'))).toEqual([]);
    expect(h.hits.get('/leak') ?? 0).toBe(0);
    expect((h.hits.get('/dtd/rss-0.91.dtd') ?? 0) + (h.hits.get('/dtd/xhtml1-transitional.dtd') ?? 0)).toBe(0);

    if (c.expect.kind === 'error') {
      expect('error' in outcome).toBe(true);
      const err = (outcome as { error: Error }).error;
      expect(errorCode(err)).toBe(c.expect.code);
      expect(err.message).toMatch(c.expect.message);
      expect(err.message).not.toMatch(/root:x:0:0/);
      return;
    }
    expect('items' in outcome).toBe(true);
    const { items, warnings } = outcome as { items: Array<{ title: string; publishedAt?: Date }>; warnings: string[] };
    expect(items).toHaveLength(c.expect.titles.length);
    c.expect.titles.forEach((t, i) => (typeof t === 'string' ? expect(items[i]!.title).toBe(t) : expect(items[i]!.title).toMatch(t)));
    for (const pattern of c.expect.warnings ?? []) expect(warnings.some((w) => pattern.test(w))).toBe(true);
    // Every warning names the connector, the feed URL and the code.
    for (const w of warnings) expect(w.startsWith(`corpus ${h.base}/corpus/${file} E_FEED_PARSE `)).toBe(true);
    const dated = items.filter((i) => i.publishedAt);
    if (c.expect.datesKept !== undefined) expect(dated).toHaveLength(c.expect.datesKept);
    for (const i of dated) {
      expect(i.publishedAt!.getTime()).toBeGreaterThanOrEqual(EARLIEST_PLAUSIBLE_MS);
      expect(i.publishedAt!.getTime()).toBeLessThanOrEqual(NOW + MAX_FUTURE_SKEW_MS);
    }
  });

  it('refuses an entity bomb at once, whatever its size (no expansion is ever attempted)', async () => {
    const levels = 20;
    const decl = Array.from({ length: levels }, (_, i) => `<!ENTITY e${i + 1} "${`&e${i};`.repeat(10)}">`).join('');
    const xml = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e0 "lol">${decl}]><rss version="2.0"><channel><title>&e${levels};</title></channel></rss>`;
    h.route('/bomb-20', (_q, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(xml));
    const instance = rssConnector.create(rssConnector.optionsSchema.parse({ url: `${h.base}/bomb-20` }), { id: 'corpus' });
    const t0 = performance.now();
    const err = await instance.poll({ id: 'corpus', http: client, log: silentLogger(), clock: new ManualClock(NOW) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(errorCode(err)).toBe('E_FEED_PARSE');
    expect(performance.now() - t0).toBeLessThan(1_000);
  });
});
