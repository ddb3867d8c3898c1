/**
 * `npm run bench`: every benchmark of the project, one after the other, each as its own process
 * with its documented command, and a fresh docs/benchmarks.md: the machine and the date at the top,
 * then each benchmark's section (which each script writes itself between its markers, so every
 * script keeps working alone).
 *
 *   npx tsx bench/run-all.ts [--only text-throughput,daemon-memory] [--es-url URL] [--shared] [--out docs/benchmarks.md]
 *
 * - The Elasticsearch benchmark needs a node: without `--es-url` the runner starts its own instance
 *   with scripts/es-node.sh (`YUQING_ES_INSTANCE=bench`) and stops it at the end, whatever happens.
 * - A benchmark whose script exits non-zero but rewrote its section has measured and missed its own
 *   target (the scripts exit 1 for that too); the header says so. One that did not rewrite its
 *   section failed: its previous section stays, marked as not re-measured, and the runner exits 1
 *   after running the others.
 * - `--shared` says in the header that the machine was shared with other work during the run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const next = process.argv[i + 1];
  return next === undefined || next.startsWith('--') ? 'true' : next;
}

/** One benchmark: the marker of its section, what it measures, and how it is run. */
export interface Benchmark {
  /** Its section's markers: `<!-- key:start -->` … `<!-- key:end -->`. */
  key: string;
  title: string;
  /** argv after `npx tsx` (`{ES_URL}` is replaced by the node's URL). */
  args: string[];
  /** Run pinned to one core when `taskset` exists (the throughput bench measures one core). */
  pinned?: boolean;
  needsElasticsearch?: boolean;
}

/** Every benchmark, in the order of the file. */
export const BENCHMARKS: readonly Benchmark[] = [
  { key: 'text-throughput', title: 'Text scoring throughput vs the naive baseline', args: ['bench/text-throughput.ts', '--write'], pinned: true },
  { key: 'text-sentiment', title: 'Sentiment accuracy', args: ['bench/text-sentiment-eval.ts', '--write'] },
  { key: 'es-ingest', title: 'Elasticsearch ingest vs raw `_bulk`', args: ['bench/es-ingest.ts', '--items', '10000', '--batch', '500', '--feed-batch', '100', '--url', '{ES_URL}', '--write', 'docs/benchmarks.md'], needsElasticsearch: true },
  { key: 'state-file', title: 'Storing into a large state file', args: ['bench/state-file.ts', '--mentions', '32768', '--seen', '0,100000,300000', '--passes', '3', '--write', 'docs/benchmarks.md'] },
  { key: 'poll-feeds', title: 'Polling cost of 1,000 feeds', args: ['--expose-gc', 'bench/poll-feeds.ts', '--feeds', '1000', '--hosts', '100', '--cycles', '6', '--changed', '0.05', '--write', 'docs/benchmarks.md'] },
  { key: 'alerts-latency', title: 'End-to-end alert latency', args: ['bench/alerts-latency.ts', '--interval', '10', '--trials', '6', '--write', 'docs/benchmarks.md'] },
  { key: 'alerts-backtest', title: 'Backtest of 1,000,000 mentions', args: ['bench/backtest-1m.ts', '--mentions', '1000000', '--write', 'docs/benchmarks.md'] },
  { key: 'daemon-memory', title: 'Daemon memory: 200 connectors, 100 rules, a simulated day', args: ['--expose-gc', 'bench/daemon-memory.ts', '--connectors', '200', '--rules', '100', '--hours', '24', '--write', 'docs/benchmarks.md'] },
  { key: 'hostile-memory', title: 'Memory through the hostile-input suite', args: ['--expose-gc', 'bench/hostile-memory.ts', '--cycles', '5', '--write', 'docs/benchmarks.md'] },
];

/** The section of `key` in `text` (markers included), if any. */
export function sectionOf(text: string, key: string): string | undefined {
  const start = text.indexOf(`<!-- ${key}:start -->`);
  const endMarker = `<!-- ${key}:end -->`;
  const end = text.indexOf(endMarker);
  if (start >= 0 && end > start) return text.slice(start, end + endMarker.length);
  if (key === 'poll-feeds') {
    // Written before the polling bench had markers: its heading up to the next section.
    const heading = text.indexOf('## Polling 1,000 feeds');
    if (heading < 0) return undefined;
    const next = [text.indexOf('\n<!--', heading), text.indexOf('\n## ', heading + 3)].filter((i) => i > 0);
    const body = text.slice(heading, next.length > 0 ? Math.min(...next) : text.length).trimEnd();
    return `<!-- poll-feeds:start -->\n${body}\n<!-- poll-feeds:end -->`;
  }
  return undefined;
}

/** The file the runner starts from: its header, then each benchmark's previous section (or a placeholder) in order. */
export function skeleton(previous: string, header: string): string {
  const sections = BENCHMARKS.map((b) => sectionOf(previous, b.key) ?? `<!-- ${b.key}:start -->\n## ${b.title}\n\n(not measured yet)\n<!-- ${b.key}:end -->`);
  return `# Benchmarks\n\n${header}\n\n${sections.join('\n\n')}\n`;
}

/** Replace the run header (between its markers). */
function withHeader(text: string, header: string): string {
  const re = /<!-- bench-run:start -->[\s\S]*?<!-- bench-run:end -->/;
  return re.test(text) ? text.replace(re, () => header) : text.replace(/^# Benchmarks\n/, () => `# Benchmarks\n\n${header}\n`);
}

/** Mark a section that this run could not re-measure (it keeps the figures of an earlier run). */
function markStale(text: string, key: string, why: string): string {
  const section = sectionOf(text, key);
  if (!section) return text;
  const note = `> **Not re-measured by the last \`npm run bench\`** (${why}); the figures below are from an earlier run.\n\n`;
  const start = `<!-- ${key}:start -->\n`;
  const marked = section.startsWith(start) && !section.includes('Not re-measured by the last') ? section.replace(start, `${start}${note}`) : section;
  return text.replace(section, () => marked);
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false; // no taskset here: the bench runs unpinned and its section says what it was run with
  }
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((ok) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
    child.on('exit', (code, signal) => ok(code ?? (signal ? 128 : 1)));
    child.on('error', () => ok(127));
  });
}

function esNode(cmd: 'start' | 'stop'): string {
  return execFileSync('bash', [join(ROOT, 'scripts', 'es-node.sh'), cmd], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, YUQING_ES_INSTANCE: 'bench' } }).trim();
}

async function main(): Promise<void> {
  const out = resolve(ROOT, arg('out') ?? 'docs/benchmarks.md');
  if (out !== resolve(ROOT, 'docs/benchmarks.md')) throw new Error('--out: the benchmarks write docs/benchmarks.md themselves; only that file is supported');
  const only = arg('only')?.split(',');
  const selected = BENCHMARKS.filter((b) => !only || only.includes(b.key));
  if (only && selected.length !== only.length) throw new Error(`--only: unknown benchmark (known: ${BENCHMARKS.map((b) => b.key).join(', ')})`);
  const shared = arg('shared') === 'true';
  const startedAt = new Date();
  const loadBefore = loadavg()[0]!;
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const machine = `${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${type()} ${release()}, Node ${process.version}`;
  const previous = existsSync(out) ? readFileSync(out, 'utf8') : '';
  const pending = `<!-- bench-run:start -->\n\`npm run bench\` started ${startedAt.toISOString()} on ${machine}; in progress.\n<!-- bench-run:end -->`;
  writeFileSync(out, skeleton(previous, pending));

  const pin = hasTaskset();
  let esUrl = arg('es-url');
  let startedEs = false;
  const results: Array<{ b: Benchmark; code: number; measured: boolean; seconds: number; command: string }> = [];
  try {
    for (const b of selected) {
      if (b.needsElasticsearch && !esUrl) {
        process.stderr.write('bench: starting an Elasticsearch node for the ingest benchmark (scripts/es-node.sh, instance bench)…\n');
        esUrl = esNode('start').split('\n').pop()!;
        startedEs = true;
      }
      const args = b.args.map((a) => (a === '{ES_URL}' ? esUrl! : a));
      const [command, argv] = b.pinned && pin ? ['taskset', ['-c', '0', TSX, ...args]] : [TSX, args];
      const shown = `${b.pinned && pin ? 'taskset -c 0 ' : ''}npx tsx ${args.join(' ')}`;
      process.stderr.write(`\n=== ${b.key}: ${shown}\n`);
      // The section is replaced by a placeholder first: a script that does not write its own leaves it, and the earlier one comes back.
      const earlier = sectionOf(readFileSync(out, 'utf8'), b.key)!;
      const placeholder = `<!-- ${b.key}:start -->\n(being measured)\n<!-- ${b.key}:end -->`;
      writeFileSync(out, readFileSync(out, 'utf8').replace(earlier, () => placeholder));
      const t0 = Date.now();
      const code = await run(command, argv as string[]);
      const measured = sectionOf(readFileSync(out, 'utf8'), b.key) !== placeholder;
      if (!measured) writeFileSync(out, readFileSync(out, 'utf8').replace(placeholder, () => earlier));
      results.push({ b, code, measured, seconds: (Date.now() - t0) / 1000, command: shown });
      if (!measured) process.stderr.write(`=== ${b.key} failed (exit ${code}, section not rewritten)\n`);
      else if (code !== 0) process.stderr.write(`=== ${b.key} measured; its target was not met (exit ${code})\n`);
      // The ES node is needed by one benchmark only: stop it before the next one measures.
      if (b.needsElasticsearch && startedEs) {
        esNode('stop');
        startedEs = false;
      }
    }
  } finally {
    if (startedEs) esNode('stop');
  }

  const loadAfter = loadavg()[0]!;
  const finishedAt = new Date();
  let text = readFileSync(out, 'utf8');
  for (const r of results) if (!r.measured) text = markStale(text, r.b.key, `it exited with ${r.code}`);
  const notRun = BENCHMARKS.filter((b) => !selected.includes(b));
  const header = [
    '<!-- bench-run:start -->',
    `Measured with \`npm run bench\` (bench/run-all.ts) on ${startedAt.toISOString().slice(0, 10)}, ${startedAt.toISOString().slice(11, 16)}–${finishedAt.toISOString().slice(11, 16)} UTC.`,
    '',
    `**Machine:** ${machine}.`,
    shared
      ? `**The machine was shared** with other engineers' builds and tests during the run (1-minute load average ${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end): every figure below is lower than on a quiet machine, and each section says how it copes (medians, per-round ratios, a pinned core).`
      : `1-minute load average ${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end.`,
    '',
    'Each benchmark is its own script and still runs alone with the command in its section; the runner runs them one after the other, each in a fresh process.',
    '',
    '| benchmark | command | this run |',
    '|---|---|---|',
    ...results.map((r) => {
      const outcome = !r.measured ? `**failed** (exit ${r.code}); earlier figures kept` : r.code === 0 ? 'measured' : 'measured; **its target was not met** (see its section)';
      return `| ${r.b.title} | \`${r.command}\` | ${outcome} (${Math.round(r.seconds)} s) |`;
    }),
    ...notRun.map((b) => `| ${b.title} | \`${b.pinned ? 'taskset -c 0 ' : ''}npx tsx ${b.args.map((a) => (a === '{ES_URL}' ? 'URL' : a)).join(' ')}\` | not selected (\`--only\`); earlier figures kept |`),
    '<!-- bench-run:end -->',
  ].join('\n');
  writeFileSync(out, withHeader(text, header));
  process.stderr.write(`\nbench: ${results.filter((r) => r.measured).length}/${results.length} benchmarks measured (${results.filter((r) => r.measured && r.code !== 0).length} below their target); ${out} rewritten\n`);
  if (results.some((r) => !r.measured)) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
