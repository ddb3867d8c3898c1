/**
 * Ingest throughput into Elasticsearch, in one process, one run, against the same node:
 *
 *   npx tsx bench/es-ingest.ts [--items 20000] [--rounds 21] [--url http://127.0.0.1:9200] [--write docs/benchmarks.md]
 *
 * Without --url (or YUQING_ES_URL) it starts the development node with scripts/es-node.sh.
 *
 * - raw: the very requests the pipeline sends (a scratch run's spool rows made into `_bulk` bodies of
 *   the same size, byte for byte, before the clock starts), sent with the same client call, one at a
 *   time, as fast as the node takes them. Node does nothing per request but send it.
 * - index path (the gate, ≥ 80 % of raw): scored mentions → `MentionsRepo.ingest` storing them in
 *   SQLite (file, WAL) with the spool row in the same transaction → the background indexer's `_bulk`
 *   requests and per-item settlement. Everything Elasticsearch adds to ingestion, end to end.
 * - replay: the spool already holds the documents (as after an outage); timed from the indexer's
 *   start until the spool is empty. What the indexing machinery costs on its own.
 * - whole ingest stage: raw feed items → normalise → de-duplicate → score (rules/example-clinic.yaml,
 *   zh-TW lexicon) → the index path. Reported with a CPU breakdown per stage: on a small machine the
 *   text stages compete with Elasticsearch for the same cores.
 * Beside each rate: Node's CPU time, the node's (from its own process stats) and how busy the whole
 * machine was (Linux /proc/stat), to show where the time goes.
 * Timed from the first item until Elasticsearch has acknowledged the last. Every path writes fresh
 * indices made from the committed template (refresh every 5 s), into one state file per path kept
 * for the whole run (as the daemon keeps its own). Each round runs the paths one after
 * the other on fresh items, after a warm-up, each on a quiet node (the indices written before it
 * refreshed and flushed), raw and the index path swapping places every round; the ratios are medians
 * of the per-round ratios, so a machine whose background load drifts between rounds still compares
 * like with like, and the gate's comes with a distribution-free 95 % interval (how far the run pins
 * it down). Exit status 1 when the index path is below 80 % of raw.
 */
import { Client } from '@elastic/elasticsearch';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir, cpus, totalmem, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { loadRuleFile } from '../src/config/load';
import { ManualClock } from '../src/core/clock';
import { silentLogger } from '../src/core/logger';
import type { RawItem, ScoredMention } from '../src/core/types';
import { ingestItems, type IngestDeps } from '../src/pipeline/ingest';
import { actionLine, bulkBody } from '../src/store/elasticsearch/bulk-request';
import { indexNames, type IndexNames } from '../src/store/elasticsearch/index-names';
import { mentionSpoolHook } from '../src/store/elasticsearch/mention-spool-hook';
import { setupIndices } from '../src/store/elasticsearch/setup';
import { SpoolIndexer } from '../src/store/elasticsearch/spool-indexer';
import { IndexSpoolRepo } from '../src/store/index-spool-repo';
import { openStateStore, type StateStore } from '../src/store/state-store';
import { createScorer, type Scorer } from '../src/text/scorer';
import { toMention } from '../src/text/to-mention';
import { defaultLexiconPath, loadLexicon } from '../src/text/lexicon';
import { writeSection } from './doc-section';
import { median, medianInterval } from './order-stats';

const ROOT = resolve(__dirname, '..');
function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Documents per `_bulk` request, raw and pipeline alike (the config's `elasticsearch.bulk.maxDocs`). */
const BATCH_DOCS = Number(arg('batch', '500'));
/** Items a connector hands over per poll. */
const FEED_BATCH = Number(arg('feed-batch', '100'));
/** Rounds: per-round ratios on a shared 2-core machine range over ±15 points; 21 pin the median to about ±5 (the interval printed). */
const ROUNDS = Number(arg('rounds', '21'));


/** Deterministic feed items about the example clinic: PTT-like posts and news, 150–900 characters. */
function makeItems(n: number, seed: number): RawItem[] {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const openers = ['範例診所', '王大明醫師', '範例醫美', 'Example Clinic'] as const;
  const sentences = [
    '護理師很親切，術前說明也很清楚，整體體驗非常好。',
    '假日去等很久，櫃台態度差，退費流程也不太順。',
    '朋友推薦來做皮秒，效果不錯，價格透明。',
    '聽說有人和診所發生醫療糾紛，準備提告求償，不知道後續如何。',
    '環境乾淨，回診提醒很貼心，會再回去。',
    '網路上有人說病歷外流，診所還沒有回應。',
    '這次療程沒有想像中有效，但醫師有耐心解釋原因。',
    '停車不方便，建議搭捷運前往。',
  ] as const;
  const items: RawItem[] = [];
  const t0 = Date.UTC(2026, 6, 1);
  for (let i = 0; i < n; i++) {
    const parts = [`${pick(openers)}${pick(sentences)}`];
    const len = 150 + Math.floor(rand() * 750);
    while (parts.join('').length < len) parts.push(pick(sentences));
    items.push({
      guid: `bench-${seed}-${i}`,
      url: `https://www.ptt.cc/bbs/facelift/M.${1_900_000_000 + seed * 1_000_000 + i}.A.html`,
      title: `[心得] ${pick(openers)} 第 ${i} 篇`,
      text: parts.join(''),
      author: `user${i % 97}`,
      publishedAt: new Date(t0 + i * 1_000),
    });
  }
  return items;
}

let scorer: Scorer | undefined;
function exampleScorer(): Scorer {
  scorer ??= createScorer({ rules: [loadRuleFile(join(ROOT, 'rules', 'example-clinic.yaml')).config], lexicon: loadLexicon(defaultLexiconPath()) });
  return scorer;
}

interface Pipeline {
  deps: IngestDeps;
  spool: IndexSpoolRepo;
  indexer: SpoolIndexer;
  close(): void;
}

/**
 * The state files the timed paths write, one per path for the whole run (warm-up included), as the
 * daemon keeps one for months: its WAL already grown, the spool's pages reused, seen ids piling up
 * round after round. A fresh file per round measured a first use instead and hid what a large
 * `seen` costs (see the note under the table).
 */
const stateFiles = new Map<string, StateStore>();

function pipeline(client: Client, names: IndexNames, dir: string, startMs: number, stateFile?: string): Pipeline {
  const clock = new ManualClock(startMs);
  const open = (file: string) => openStateStore({ path: join(dir, `state-${file}.db`), clock, storeMentionDocuments: false });
  const kept = stateFile ? stateFiles.get(stateFile) ?? stateFiles.set(stateFile, open(stateFile)).get(stateFile)! : undefined;
  const store = kept ?? open(names.prefix);
  const spool = new IndexSpoolRepo(store.db);
  const log = silentLogger();
  const indexer = new SpoolIndexer({ client, spool, clock, log, maxDocs: BATCH_DOCS, maxBytes: 5 * 1024 * 1024, idleMs: 5, initialBackoffMs: 100, maxBackoffMs: 2_000 });
  const deps: IngestDeps = { store, scorer: exampleScorer(), clock, log, keepUnmatched: false, onStored: mentionSpoolHook(spool, clock, names) };
  return { deps, spool, indexer, close: () => (kept ? undefined : store.close()) };
}

const FETCHED_AT = Date.UTC(2026, 6, 2);

/** Feed items as ingestion scores them (untimed preparation of the index-path run). */
function scoredOf(items: RawItem[]): ScoredMention[] {
  return items.map((r) => {
    const m = toMention(r, { connector: source.id, sourceType: source.sourceType, site: source.site }, FETCHED_AT);
    return { ...m, ...exampleScorer().score(m) };
  });
}

/** What one timed path measured: wall time, Node's CPU time (all threads) meanwhile, documents written. */
interface Timed {
  ms: number;
  cpuMs: number;
  docs: number;
}

/** Ticks the whole machine has been busy (user, nice, system, irq, softirq: all cores, kernel included), from /proc/stat; undefined elsewhere. */
function machineBusyTicks(): number | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq;
}

/** Start timing; `stop(docs)` gives the wall and CPU time since. */
function stopwatch(): { stop(docs: number): Timed } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return {
    stop(docs) {
      const used = process.cpuUsage(cpu);
      return { ms: performance.now() - wall, cpuMs: (used.user + used.system) / 1000, docs };
    },
  };
}

/** Index path: scored mentions stored with their spool rows, indexer alongside; done when the spool is empty. */
async function runIndexPath(client: Client, names: IndexNames, dir: string, mentions: ScoredMention[]): Promise<Timed> {
  const p = pipeline(client, names, dir, FETCHED_AT, 'index');
  const watch = stopwatch();
  p.indexer.start();
  let stored = 0;
  for (let k = 0; k < mentions.length; k += FEED_BATCH) {
    stored += p.deps.store.mentions.ingest(mentions.slice(k, k + FEED_BATCH), FETCHED_AT, p.deps.onStored).fresh.length;
    await new Promise((r) => setImmediate(r));
  }
  await p.indexer.drain(10 * 60_000);
  const timed = watch.stop(stored);
  await p.indexer.stop();
  const health = p.indexer.health();
  if (health.deadLetters > 0 || health.totals.indexed !== stored) throw new Error(`index path lost documents: ${JSON.stringify(health)}`);
  p.close();
  return timed;
}

/** Replay: the spool is filled first (untimed, as during an outage), then drained by the indexer's loop. */
async function runReplay(client: Client, names: IndexNames, dir: string, mentions: ScoredMention[]): Promise<Timed> {
  const p = pipeline(client, names, dir, FETCHED_AT, 'replay');
  let stored = 0;
  for (let k = 0; k < mentions.length; k += FEED_BATCH) stored += p.deps.store.mentions.ingest(mentions.slice(k, k + FEED_BATCH), FETCHED_AT, p.deps.onStored).fresh.length;
  // The background loop runs, as in the daemon once the node is back.
  const watch = stopwatch();
  p.indexer.start();
  await p.indexer.drain(10 * 60_000);
  const timed = watch.stop(stored);
  await p.indexer.stop();
  if (p.indexer.health().totals.indexed !== stored) throw new Error('replay lost documents');
  p.close();
  return timed;
}

/** CPU per item of each stage on its own (no Elasticsearch), to explain the whole-stage figure. */
function stageCosts(items: RawItem[], dir: string, client: Client): Record<string, number> {
  const per = (f: () => void): number => {
    const t = performance.now();
    f();
    return ((performance.now() - t) / items.length) * 1000;
  };
  let mentions: ReturnType<typeof toMention>[] = [];
  let scored: ScoredMention[] = [];
  const normalise = per(() => (mentions = items.map((r) => toMention(r, { connector: source.id, sourceType: source.sourceType, site: source.site }, FETCHED_AT))));
  const score = per(() => (scored = mentions.map((m) => ({ ...m, ...exampleScorer().score(m) }))));
  const p = pipeline(client, indexNames(`bench-${process.pid}-cost`), dir, FETCHED_AT);
  const store = per(() => {
    for (let k = 0; k < scored.length; k += FEED_BATCH) p.deps.store.mentions.ingest(scored.slice(k, k + FEED_BATCH), FETCHED_AT, p.deps.onStored);
  });
  p.close();
  return { normalise, score, store };
}

const source = { id: 'bench-ptt', sourceType: 'forum' as const, site: 'PTT facelift' };

/** Full pipeline: feed batches in, indexer running alongside; done when the spool is empty. */
async function runPipeline(client: Client, names: IndexNames, dir: string, items: RawItem[]): Promise<Timed> {
  const p = pipeline(client, names, dir, FETCHED_AT, 'whole');
  const watch = stopwatch();
  p.indexer.start();
  let stored = 0;
  for (let k = 0; k < items.length; k += FEED_BATCH) {
    stored += ingestItems(p.deps, source, items.slice(k, k + FEED_BATCH)).stored;
    // Let the indexer's I/O callbacks run between polls, as the daemon's event loop does.
    await new Promise((r) => setImmediate(r));
  }
  await p.indexer.drain(10 * 60_000);
  const timed = watch.stop(stored);
  await p.indexer.stop();
  const health = p.indexer.health();
  if (health.deadLetters > 0 || health.totals.indexed !== stored) throw new Error(`pipeline lost documents: ${JSON.stringify(health)}`);
  p.close();
  return timed;
}

/** A prepared `_bulk` request: its NDJSON body and how many documents it carries. */
interface RawBatch {
  body: Buffer;
  /** The same request as NDJSON lines (action line, document JSON text), for `client.bulk`. */
  lines: string[];
  docs: number;
  /** Bytes of the documents alone (no action lines). */
  docBytes: number;
}

/**
 * The requests the pipeline sends, exactly: a scratch run's spool rows made into `_bulk` bodies of the
 * same size, byte for byte what the indexer sends, built before the clock starts.
 */
function documentsOf(items: RawItem[], names: IndexNames, dir: string, client: Client): RawBatch[] {
  const p = pipeline(client, names, dir, FETCHED_AT);
  for (let k = 0; k < items.length; k += FEED_BATCH) ingestItems(p.deps, source, items.slice(k, k + FEED_BATCH));
  const rows = p.spool.claim(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  p.close();
  const batches: RawBatch[] = [];
  for (let k = 0; k < rows.length; k += BATCH_DOCS) {
    const slice = rows.slice(k, k + BATCH_DOCS);
    const lines = slice.flatMap((r) => [actionLine(r), r.doc.toString()]);
    batches.push({ body: bulkBody(slice), lines, docs: slice.length, docBytes: slice.reduce((a, r) => a + r.doc.length, 0) });
  }
  return batches;
}

/**
 * Raw `_bulk` of the prepared bodies, one request at a time, through the same client call the
 * indexer makes: Node does nothing per request but send and parse the answer.
 */
async function runRaw(client: Client, batches: RawBatch[]): Promise<Timed> {
  const watch = stopwatch();
  let docs = 0;
  for (const { body, docs: n } of batches) {
    const res = await client.transport.request<{ errors: boolean }>({ method: 'POST', path: '/_bulk', querystring: { filter_path: 'errors,items.*.status' }, bulkBody: body });
    if (res.errors) throw new Error('raw bulk had item errors');
    docs += n;
  }
  return watch.stop(docs);
}

/**
 * The same requests as an application usually sends them: `client.bulk` over the documents' JSON
 * text, the client joining the NDJSON string and encoding it per request. Context, not the gate.
 */
async function runRawClient(client: Client, batches: RawBatch[]): Promise<Timed> {
  const watch = stopwatch();
  let docs = 0;
  for (const { lines, docs: n } of batches) {
    const res = await client.bulk<string>({ operations: lines, filter_path: 'errors,items.*.status' });
    if (res.errors) throw new Error('client.bulk had item errors');
    docs += n;
  }
  return watch.stop(docs);
}

/**
 * Times every `_bulk` request the client sends (from the call until its answer is parsed), into the
 * returned array, which the caller empties between paths. Raw and the indexer alike go through
 * `transport.request`.
 */
function timeBulkRequests(client: Client): number[] {
  const spans: number[] = [];
  const request = client.transport.request.bind(client.transport);
  client.transport.request = (async (params: { path: string }, options?: unknown) => {
    const started = performance.now();
    const result = await request(params as never, options as never);
    if (params.path === '/_bulk') spans.push(performance.now() - started);
    return result;
  }) as typeof client.transport.request;
  return spans;
}

/** Refresh and flush the given indices, then give the node a moment: the next timed path starts on a quiet node. */
async function quiesce(client: Client, names: IndexNames[]): Promise<void> {
  const index = names.map((x) => `${x.prefix}-*`).join(',');
  await client.indices.refresh({ index, expand_wildcards: 'all', allow_no_indices: true });
  await client.indices.flush({ index, expand_wildcards: 'all', allow_no_indices: true });
  await new Promise((r) => setTimeout(r, 500));
}

/** Delete a round's indices and templates by exact name. */
async function dropBenchIndices(client: Client, names: IndexNames): Promise<void> {
  const rows = await client.cat.indices({ index: `${names.prefix}-*`, h: 'index', format: 'json', expand_wildcards: 'all' });
  const indices = rows.map((r) => r.index).filter((x): x is string => Boolean(x));
  if (indices.length > 0) await client.indices.delete({ index: indices.join(',') });
  for (const t of [names.mentionsTemplate, names.alertsTemplate]) await client.indices.deleteIndexTemplate({ name: t }, { ignore: [404] });
}

/** The node's CPU time so far (ms), from its own process stats: works for any `--url`. */
async function esCpuMs(client: Client): Promise<number> {
  const res = await client.nodes.stats({ metric: 'process', filter_path: 'nodes.*.process.cpu.total_in_millis' });
  return Object.values(res.nodes ?? {}).reduce((a, n) => a + (n.process?.cpu?.total_in_millis ?? 0), 0);
}

/** Milliseconds the node has spent in its shard-level bulk stage so far, from its own indexing stats. */
async function esBulkMs(client: Client): Promise<number> {
  const res = await client.nodes.stats({ metric: 'indices', index_metric: 'bulk', filter_path: 'nodes.*.indices.bulk.total_time_in_millis' });
  return Object.values(res.nodes ?? {}).reduce((a, n) => a + (n.indices?.bulk?.total_time_in_millis ?? 0), 0);
}

function esUrl(): string {
  const given = arg('url') ?? process.env.YUQING_ES_URL;
  if (given) return given;
  return execFileSync('bash', [join(ROOT, 'scripts/es-node.sh'), 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

async function main(): Promise<void> {
  const n = Number(arg('items', '10000'));
  const url = esUrl();
  const client = new Client({ node: url, maxRetries: 0, requestTimeout: 120_000 });
  const dir = mkdtempSync(join(tmpdir(), 'yuqing-bench-'));
  const used: IndexNames[] = [];
  const names = (tag: string): IndexNames => {
    const x = indexNames(`bench-${process.pid}-${tag}`);
    used.push(x);
    return x;
  };
  try {
    const version = (await client.cluster.stats({ filter_path: 'nodes.versions' })).nodes.versions.join(',');
    const loadBefore = loadavg()[0]!;
    const paths = ['raw', 'index', 'client', 'whole', 'replay'] as const;
    type PathName = (typeof paths)[number];
    const rates: Record<PathName, number[]> = { raw: [], index: [], client: [], whole: [], replay: [] };
    /** Per path and round: mean ms a `_bulk` request took, and Node's CPU time (all threads) per 10,000 documents. */
    const requestMs: Record<PathName, number[]> = { raw: [], index: [], client: [], whole: [], replay: [] };
    const nodeCpu: Record<PathName, number[]> = { raw: [], index: [], client: [], whole: [], replay: [] };
    /** Per path and round: the node's CPU time per 10,000 documents, and how busy the whole machine was (share of all its cores, kernel included). */
    const esCpu: Record<PathName, number[]> = { raw: [], index: [], client: [], whole: [], replay: [] };
    /** Per path and round: mean ms a `_bulk` request spent in the node's shard-level bulk stage. */
    const inBulkStage: Record<PathName, number[]> = { raw: [], index: [], client: [], whole: [], replay: [] };
    const busy: Record<PathName, number[]> = { raw: [], index: [], client: [], whole: [], replay: [] };
    const spans = timeBulkRequests(client);
    const rate = (docs: number, ms: number) => (docs / ms) * 1000;
    /** Run one timed path and record its rate, request times, Node's and the node's CPU, and how busy the machine was. */
    const timed = async (path: PathName, run: () => Promise<Timed>): Promise<number> => {
      spans.length = 0;
      const [es0, bulk0, m0] = [await esCpuMs(client), await esBulkMs(client), machineBusyTicks()];
      const r = await run();
      const [es1, bulk1, m1] = [await esCpuMs(client), await esBulkMs(client), machineBusyTicks()];
      rates[path].push(rate(r.docs, r.ms));
      requestMs[path].push(spans.reduce((a, x) => a + x, 0) / spans.length);
      inBulkStage[path].push((bulk1 - bulk0) / spans.length);
      const per10k = 10_000 / r.docs;
      nodeCpu[path].push(r.cpuMs * per10k);
      esCpu[path].push((es1 - es0) * per10k);
      // /proc/stat counts in USER_HZ ticks (100 per second on Linux): 10 ms each.
      busy[path].push(m0 && m1 ? ((m1 - m0) * 10) / (cpus().length * r.ms) : NaN);
      return r.docs;
    };

    // Warm-up, not counted: JIT, the node's caches and the analyzer, and every path's state file.
    // Raw and the index path get a whole round's volume: on a tenth, round 1's raw path still ran at
    // half speed some runs (the node not yet warm), and that round counted.
    {
      const warm = makeItems(n, 99);
      const [wr, wi, ww, wp] = [names('warm-raw'), names('warm-index'), names('warm-whole'), names('warm-replay')];
      for (const x of [wr, wi, ww, wp]) await setupIndices(client, x);
      const tenth = warm.slice(0, Math.max(1_000, Math.floor(n / 10)));
      await runRaw(client, documentsOf(warm, wr, dir, client));
      await runIndexPath(client, wi, dir, scoredOf(warm));
      await runPipeline(client, ww, dir, tenth);
      await runReplay(client, wp, dir, scoredOf(tenth));
    }

    for (let round = 0; round < ROUNDS; round++) {
      const items = makeItems(n, round + 1);
      const x: Record<PathName, IndexNames> = { raw: names(`raw${round}`), index: names(`index${round}`), client: names(`client${round}`), whole: names(`whole${round}`), replay: names(`replay${round}`) };
      for (const p of paths) await setupIndices(client, x[p]);
      const batches = documentsOf(items, x.raw, dir, client);
      const scoredItems = scoredOf(items);
      // Each timed path starts on a quiet node (the previous path's writes refreshed and flushed), and
      // raw and the index path swap places every round: otherwise whichever runs second pays for the
      // first one's background work (refresh, flush, merges).
      const settled = () => quiesce(client, paths.map((p) => x[p]));
      const counts: number[] = [];
      const first: PathName[] = round % 2 === 0 ? ['raw', 'index'] : ['index', 'raw'];
      for (const p of [...first, 'client', 'whole', 'replay'] as PathName[]) {
        await settled();
        counts.push(
          await timed(p, () =>
            p === 'raw' ? runRaw(client, batches)
            : p === 'index' ? runIndexPath(client, x.index, dir, scoredItems)
            : p === 'client' ? runRawClient(client, batches)
            : p === 'whole' ? runPipeline(client, x.whole, dir, items)
            : runReplay(client, x.replay, dir, scoredItems),
          ),
        );
      }
      if (new Set(counts).size !== 1) throw new Error(`document counts differ between paths: ${counts.join(', ')}`);
      process.stderr.write(`round ${round + 1}: ${paths.map((p) => `${p} ${rates[p][round]!.toFixed(0)}`).join(', ')} docs/s\n`);
      for (const p of paths) await dropBenchIndices(client, x[p]);
    }

    /** Median over rounds of each round's rate relative to that round's raw rate. */
    const ofRaw = (p: PathName) => median(rates[p].map((r, i) => r / rates.raw[i]!));
    const ratio = ofRaw('index');
    const interval = medianInterval(rates.index.map((r, i) => r / rates.raw[i]!));
    const seenIds = stateFiles.get('index')!.mentions.countSeen();
    const costs = stageCosts(makeItems(5_000, 42), dir, client);
    const avgBytes = Math.round(documentsOf(makeItems(200, 7), names('size'), dir, client).reduce((a, b) => a + b.docBytes, 0) / 200);
    const date = new Date().toISOString().slice(0, 10);
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    const perRound = (p: PathName) => rates[p].map((r, i) => (p === 'raw' ? r.toFixed(0) : `${r.toFixed(0)} (${((r / rates.raw[i]!) * 100).toFixed(0)} %)`)).join(', ');
    const share = (p: PathName) => (busy[p].some(Number.isNaN) ? 'n/a' : `${(median(busy[p]) * 100).toFixed(0)} %`);
    const row = (p: PathName, label: string) =>
      `| ${label} | ${median(rates[p]).toFixed(0)} | ${p === 'index' ? `**${pct(ofRaw(p))}**` : p === 'raw' ? '100 %' : pct(ofRaw(p))} | ${median(requestMs[p]).toFixed(0)} (${median(inBulkStage[p]).toFixed(0)}) | ${median(nodeCpu[p]).toFixed(0)} | ${median(esCpu[p]).toFixed(0)} | ${share(p)} | ${perRound(p)} |`;
    const ms = (p: PathName) => median(requestMs[p]).toFixed(0);
    const inNode = (p: PathName) => median(inBulkStage[p]).toFixed(0);
    const cpu = (p: PathName) => median(nodeCpu[p]).toFixed(0);
    const esMs = (p: PathName) => median(esCpu[p]).toFixed(0);
    const section = [
      '<!-- es-ingest:start -->',
      '## Elasticsearch ingest: pipeline vs raw `_bulk`',
      '',
      `Command: \`npx tsx bench/es-ingest.ts --items ${n} --batch ${BATCH_DOCS} --feed-batch ${FEED_BATCH} --write docs/benchmarks.md\` (starts the development node with \`scripts/es-node.sh\` unless \`--url\` is given).`,
      '',
      `Measured ${date} on ${cpus().length} cores / ${Math.round(totalmem() / 2 ** 30)} GiB, Elasticsearch ${version} (integ-test-zip, heap ${process.env.YUQING_ES_HEAP ?? '512m'}), Node ${process.version}; ${n} mentions per round, ~${avgBytes} bytes per document, \`_bulk\` batches of ${BATCH_DOCS}, feed batches of ${FEED_BATCH}; medians of ${ROUNDS} rounds after a warm-up, each path starting on a quiet node. The index path, the whole stage and replay each write one state file for the whole run, as the daemon does; the index path's held ${seenIds.toLocaleString('en-US')} seen ids at the end.`,
      '',
      '| path | docs/s | of raw (median of per-round ratios) | ms per `_bulk` request seen from Node (of it in the node’s bulk stage) | Node CPU ms per 10,000 docs | Elasticsearch CPU ms per 10,000 docs | machine busy (all cores, kernel included) | per round: docs/s (of that round’s raw) |',
      '|---|---:|---:|---:|---:|---:|---:|---|',
      row('raw', 'raw `_bulk`: the very request bodies the indexer sends, built before the clock starts, one request at a time'),
      row('index', '**index path**: store + spool (one SQLite transaction) → indexer → `_bulk`'),
      row('client', '`client.bulk` over the same documents as JSON text (the client joins and encodes the NDJSON per request)'),
      row('whole', 'whole ingest stage: normalise + score + index path'),
      row('replay', 'replay of a spooled backlog (after an outage): indexer → `_bulk`'),
      '',
      `Target: the index path at ≥ 80 % of raw — ${ratio >= 0.8 ? 'met' : '**not met**'} (${pct(ratio)}${interval ? `; 95 % interval of that median, from the per-round ratios: ${pct(interval[0])} to ${pct(interval[1])}` : ''}). Load average (1 min) ${loadBefore.toFixed(1)} before the run, ${loadavg()[0]!.toFixed(1)} after: other work on the machine moves every figure, which is why the ratios are taken per round, raw and the index path swapping places every round.`,
      '',
      `CPU per mention of each stage alone (no Elasticsearch): normalise (\`toMention\`) ${costs.normalise!.toFixed(0)} µs, score ${costs.score!.toFixed(0)} µs, store + spool ${costs.store!.toFixed(0)} µs.`,
      '',
      `How to read it. Elasticsearch is the bottleneck of every path: requests go one at a time. Seen from Node a request took ${ms('raw')} ms in raw, where Node does nothing but send, ${inNode('raw')} of them in the node's shard-level bulk stage (its own indexing statistics), and ${ms('index')} ms in the index path, ${inNode('index')} in that stage, while Node spent ${cpu('index')} ms of CPU per 10,000 documents storing them and running the indexer. Two things make up the difference. The node waits for Node: a body not yet written or an answer not yet read while the one thread stores mentions. The indexer therefore reads the next batch and builds its body while a request is in flight, sends it before settling the one just answered, and lets each request leave (two event-loop turns) before its own SQLite work; the node's HTTP trace (a development run) showed it idle 13–19 ms per request between answering one request and receiving the next in the index path before that last step, ~6 ms after it, against ~2 ms in raw; with the node pinned to one core and the benchmark to the other (taskset, before that step) its bulk stage took no longer in the index path than in raw, and the index path still measured 82 % of raw over 9 rounds: separate cores alone did not close the gap. And the node works more slowly beside Node: it spent ${esMs('raw')} ms of CPU per 10,000 documents in raw and ${esMs('index')} in the index path, and the machine was not saturated on average (${share('raw')} of its cores busy during raw, ${share('index')} during the index path), but a request runs mostly on one write thread and the node needs the second core at moments (its HTTP layer, refresh, flushes, merges, garbage collection), so whatever Node computes at those moments slows its requests. Less CPU per stored mention moves the figure, and so do fewer bytes written: with the state file on tmpfs (a development variant of this benchmark, 21 rounds, fresh files) the index path reached 84–87 % of raw against 80–81 % on the disk the node writes its translog to. The replay row shows what the indexing machinery costs with no mentions being stored.`,
      '',
      `Why one state file for the run: until 2026-11-21 every round wrote a fresh one. Writing into one long-lived file instead, as the daemon does, the index path fell to 74–75 % of raw (two development runs of 21 rounds; Node CPU 910–980 ms per 10,000 documents): mention ids are hashes, so each new id rewrote a random 16 KiB page of \`seen\`'s id index, and the larger \`seen\` grew, the more distinct pages each batch touched. New ids then went to a small \`seen_recent\` table folded into \`seen\` in id order every 4,096 ids (migration 6): at 300,000 seen ids storing a mention with its spool row wrote 19 KiB instead of 41 and took ~46 µs of CPU instead of ~59–61, and the long-lived file measured 81.6 % (21 rounds), then 79.6 % in the next recorded run. Since migration 7 \`seen_recent\` has no id index either (the program mirrors its ids in memory) and folds every 16,384 ids: 13 KiB and ~38 µs per mention at 300,000 ids (bench/state-file.ts, next section). Two runs of the recorded command straight after that change (2026-11-21, 21 rounds each): 82.0 % (95 % interval 80.7–84.4 %) and 81.9 % (74.3–84.7 %); their 42 rounds together: 82 %, interval 81–84 %. Tried and left out, measured the same way: sending the \`_bulk\` requests from a worker thread that starts the next request the moment the node answers one, whatever the main thread is doing (15 rounds, the three paths in rotating order: +1.9 % over the indexer as it is, per-round median, with 110 ms more CPU per 10,000 documents; most of the gap is not the node waiting for Node's event loop); checkpointing the WAL in a worker thread (the main thread no longer stalls up to ~50 ms per checkpoint, but the ratio did not move) and deferring checkpoints past the clock (better only until the deferred checkpoint was counted). Also left out: checkpointing every 4,000 WAL pages instead of 1,000, and 4 KiB pages instead of 16 KiB (each run against the current file in the same rounds, 12 rounds: +2.5 and +4.9 points, with Node's CPU unchanged and per-round ratios from 53 % to 105 %, which is no difference this benchmark can resolve).`,
      '<!-- es-ingest:end -->',
    ].join('\n');
    process.stdout.write(`${section}\n`);
    const target = arg('write');
    if (target) writeSection(resolve(target), section, 'es-ingest');
    if (ratio < 0.8) process.exitCode = 1;
  } finally {
    for (const x of used) {
      await dropBenchIndices(client, x).catch((err: unknown) => process.stderr.write(`cleanup of ${x.prefix}-* failed: ${String(err)}\n`));
    }
    await client.close();
    for (const store of stateFiles.values()) store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
