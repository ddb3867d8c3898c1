/**
 * Polling cost at scale: 1,000 feeds served locally, most answering 304, polled on the 5-minute
 * schedule by the real daemon (App: connectors, HTTP client with per-host politeness, conditional
 * GET, ingest, SQLite state file). Reports CPU time and memory per cycle.
 *
 *   npx tsx --expose-gc bench/poll-feeds.ts [--feeds 1000] [--hosts 100] [--cycles 6] [--changed 0.05] [--write docs/benchmarks.md]
 *
 * - Feeds are spread over `hosts` loopback addresses (127.0.1.x, port 0 each), so the per-host
 *   gate (default 1 s between requests to one host) behaves as with real publishers.
 * - Each feed is RSS 2.0 with 20 items and an ETag; a request with the current ETag gets 304.
 *   Before every cycle a fraction `changed` of the feeds gets one new item (new ETag → 200).
 * - Cycle 0 is the first fetch of everything (all 200, every item normalised and scored) and is
 *   reported apart; cycles 1… are the steady state. The clock moves 5 minutes per cycle — the
 *   same tick every connector's `*\/5 * * * *` schedule fires on — and the cycle is `pollAll()`.
 * - CPU = process.cpuUsage() (user + system) over the cycle, the whole process (the local feed
 *   servers run in it too, so the figure is an upper bound for the daemon). Memory = RSS and V8
 *   heap after the cycle.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { loadProject } from '../src/config/load';
import { builtinRegistry } from '../src/connectors/builtin';
import { ManualClock } from '../src/core/clock';
import { silentLogger } from '../src/core/logger';
import { App } from '../src/pipeline/app';
import { median } from './order-stats';

const ROOT = resolve(__dirname, '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const FEEDS = Number(arg('feeds', '1000'));
const HOSTS = Number(arg('hosts', '100'));
const CYCLES = Number(arg('cycles', '6'));
const CHANGED = Number(arg('changed', '0.05'));
const WRITE = arg('write', '');
const ITEMS_PER_FEED = 20;
const T0 = Date.parse('2026-03-16T00:00:00Z');

interface Feed {
  version: number;
  /** Newest first. */
  items: Array<{ id: number; at: number }>;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function render(host: number, index: number, feed: Feed): string {
  const items = feed.items
    .map(
      (i) => `<item><title>${esc(`第 ${i.id} 則：${i.id % 50 === 0 ? '範例診所 服務態度差' : '地方新聞 社區活動'}`)}</title><link>http://feeds-${host}.example.tw/${index}/a/${i.id}</link><guid>f${host}-${index}-${i.id}</guid><pubDate>${new Date(i.at).toUTCString()}</pubDate><description>${esc('<p>內文摘要，一段大約五十個字的新聞內容，描述社區活動與地方消息，供比對與評分使用。</p>')}</description></item>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>feed ${host}-${index}</title><link>http://feeds-${host}.example.tw/</link><description>bench</description>${items}</channel></rss>`;
}

async function main(): Promise<void> {
  const perHost = Math.ceil(FEEDS / HOSTS);
  const feeds = new Map<string, Feed>();
  let nextId = 1;
  const counts = { ok: 0, notModified: 0 };
  const servers: Server[] = [];
  const urls: string[] = [];
  for (let h = 0; h < HOSTS; h++) {
    const address = `127.0.1.${h + 1}`;
    const server = createServer((req, res) => {
      const feed = feeds.get(`${address}${req.url}`);
      if (!feed) return void res.writeHead(404).end();
      const etag = `"v${feed.version}"`;
      if (req.headers['if-none-match'] === etag) {
        counts.notModified++;
        return void res.writeHead(304, { etag }).end();
      }
      counts.ok++;
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(render(h, Number(req.url!.split('/')[2]!.split('.')[0]), feed));
    });
    await new Promise<void>((r) => server.listen(0, address, r));
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    for (let i = 0; i < perHost && urls.length < FEEDS; i++) {
      const items = Array.from({ length: ITEMS_PER_FEED }, (_, k) => ({ id: nextId++, at: T0 - (k + 1) * 3_600_000 }));
      feeds.set(`${address}/feed/${i}.xml`, { version: 1, items });
      urls.push(`http://${address}:${port}/feed/${i}.xml`);
    }
  }

  const dir = mkdtempSync(join(tmpdir(), 'yuqing-bench-poll-'));
  mkdirSync(join(dir, 'connectors'));
  cpSync(join(ROOT, 'rules'), join(dir, 'rules'), { recursive: true });
  // The sample rule's recipients exist; no channel is configured, so nothing is ever sent.
  const recipients = ['pr-lead', 'legal', 'director', 'frontline'].map((r) => `  ${r}: { name: ${r} }`).join('\n');
  // The feeds are on loopback addresses, which the address guard refuses unless allow-listed.
  writeFileSync(join(dir, 'yuqing.yaml'), `storage: { sqlitePath: data/state.db }\nhttp: { allowPrivateHosts: [127.0.0.0/8] }\nserver: { enabled: false }\nrecipients:\n${recipients}\n`);
  urls.forEach((url, i) => writeFileSync(join(dir, 'connectors', `feed-${i}.yaml`), `id: feed-${i}\nkind: rss\nschedule: "*/5 * * * *"\noptions:\n  url: "${url}"\n`));

  const clock = new ManualClock(T0);
  const app = new App(loadProject(join(dir, 'yuqing.yaml'), builtinRegistry), { log: silentLogger(), clock, processMetrics: false, server: false });
  const keys = [...feeds.keys()];
  const rows: Array<{ cycle: number; wallMs: number; cpuMs: number; rssMiB: number; heapMiB: number; ok: number; notModified: number; failed: number; stored: number }> = [];

  for (let cycle = 0; cycle <= CYCLES; cycle++) {
    if (cycle > 0) {
      clock.advance(5 * 60_000);
      // A fraction of the feeds publish one new item (new ETag).
      for (let k = 0; k < Math.round(FEEDS * CHANGED); k++) {
        const feed = feeds.get(keys[(cycle * 7919 + k * 104729) % keys.length]!)!;
        feed.version++;
        feed.items = [{ id: nextId++, at: clock.now() - 60_000 }, ...feed.items.slice(0, ITEMS_PER_FEED - 1)];
      }
    }
    counts.ok = 0;
    counts.notModified = 0;
    global.gc?.();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const polls = await app.pollAll();
    const wallMs = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);
    const mem = process.memoryUsage();
    const failed = polls.filter((p) => !p.ok).length;
    const stored = polls.reduce((n, p) => n + (p.ok ? p.summary.stored : 0), 0);
    rows.push({ cycle, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, rssMiB: mem.rss / 2 ** 20, heapMiB: mem.heapUsed / 2 ** 20, ok: counts.ok, notModified: counts.notModified, failed, stored });
    process.stderr.write(`cycle ${cycle}: wall ${(wallMs / 1000).toFixed(1)} s, CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, 200 ${counts.ok}, 304 ${counts.notModified}, failed ${failed}\n`);
  }
  await app.stop();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });

  const steady = rows.slice(1);
  const f0 = (x: number): string => x.toFixed(0);
  const f1 = (x: number): string => x.toFixed(1);
  const table = rows
    .map((r) => `| ${r.cycle === 0 ? '0 (first fetch)' : r.cycle} | ${r.ok} | ${r.notModified} | ${r.failed} | ${r.stored} | ${f1(r.wallMs / 1000)} | ${f0(r.cpuMs)} | ${f0(r.rssMiB)} | ${f1(r.heapMiB)} |`)
    .join('\n');
  const report = `<!-- poll-feeds:start -->
## Polling 1,000 feeds on the 5-minute schedule (issue 6)

Command: \`npx tsx${global.gc ? ' --expose-gc' : ''} bench/poll-feeds.ts --feeds ${FEEDS} --hosts ${HOSTS} --cycles ${CYCLES} --changed ${CHANGED}${WRITE ? ` --write ${WRITE}` : ''}\`
(${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB; machine shared with other work).

${FEEDS} RSS feeds (${ITEMS_PER_FEED} items each, ETag) on ${HOSTS} loopback hosts, polled by the daemon's own
pipeline (\`App.pollAll()\`: rss connectors → HTTP client with the default 1 s per-host gap and conditional GET →
normalise → dedupe → score with \`rules/example-clinic.yaml\` → SQLite state file). Before each steady cycle
${Math.round(CHANGED * 100)} % of the feeds publish one new item; the rest answer 304. CPU is user + system time of the
whole process over the cycle (the feed servers run in the same process, so this is an upper bound).

| cycle | 200 | 304 | failed | stored | wall (s) | CPU (ms) | RSS after (MiB) | heap after (MiB) |
|---|---|---|---|---|---|---|---|---|
${table}

Steady state (median of cycles 1–${CYCLES}): **${f0(median(steady.map((r) => r.cpuMs)))} ms CPU per 5-minute cycle**
(${f1(median(steady.map((r) => r.cpuMs)) / 3000)} % of one core over the 5 minutes), RSS ${f0(median(steady.map((r) => r.rssMiB)))} MiB,
heap ${f1(median(steady.map((r) => r.heapMiB)))} MiB. Wall time per cycle is set by politeness (${Math.ceil(FEEDS / HOSTS)} feeds per host × the 1 s gap), not by CPU.
<!-- poll-feeds:end -->
`;
  process.stdout.write(report);
  if (WRITE) {
    const path = resolve(ROOT, WRITE);
    mkdirSync(dirname(path), { recursive: true });
    const before = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
    const start = before.indexOf('<!-- poll-feeds:start -->');
    const endMarker = '<!-- poll-feeds:end -->\n';
    const end = before.indexOf(endMarker);
    const marker = '## Polling 1,000 feeds on the 5-minute schedule (issue 6)';
    const at = before.indexOf(marker);
    // Replace only our own section (between its markers, or in a file from before the markers up to the next "## "), never the others'.
    let next = at >= 0 ? before.indexOf('\n## ', at + marker.length) : -1;
    if (next < 0) next = before.length;
    const updated =
      start >= 0 && end > start
        ? before.slice(0, start) + report + before.slice(end + endMarker.length)
        : at >= 0
          ? before.slice(0, at) + report + before.slice(next + (next < before.length ? 1 : 0))
          : `${before.trimEnd()}\n\n${report}`;
    writeFileSync(path, updated);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
