import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCHMARKS, sectionOf, skeleton } from '../../bench/run-all';
import { ROOT } from '../helpers/project-dir';

const HEADER = '<!-- bench-run:start -->\nrun header\n<!-- bench-run:end -->';

describe('the benchmark runner (npm run bench)', () => {
  it('lists every benchmark script of bench/ once, each with a command that writes its section', () => {
    const scripts = BENCHMARKS.map((b) => b.args.find((a) => a.startsWith('bench/')));
    // A benchmark is a script of bench/ that writes a section (`--write`); helpers and the runner are not.
    const benchmarks = readdirSync(join(ROOT, 'bench'))
      .filter((f) => f.endsWith('.ts') && f !== 'run-all.ts' && readFileSync(join(ROOT, 'bench', f), 'utf8').includes('--write'))
      .map((f) => `bench/${f}`);
    expect([...scripts].sort()).toEqual(benchmarks.sort());
    expect(scripts).toEqual([
      'bench/text-throughput.ts',
      'bench/text-sentiment-eval.ts',
      'bench/es-ingest.ts',
      'bench/state-file.ts',
      'bench/poll-feeds.ts',
      'bench/alerts-latency.ts',
      'bench/backtest-1m.ts',
      'bench/daemon-memory.ts',
      'bench/hostile-memory.ts',
    ]);
    for (const b of BENCHMARKS) expect(b.args).toContain('--write');
    expect(new Set(BENCHMARKS.map((b) => b.key)).size).toBe(BENCHMARKS.length);
  });

  it('starts a fresh file from the header and the previous sections in a fixed order, dropping anything else', () => {
    const previous = [
      '# Benchmarks',
      'old preamble that must go',
      '<!-- alerts-latency:start -->\nlatency v1\n<!-- alerts-latency:end -->',
      '<!-- text-throughput:start -->\nthroughput v1\n<!-- text-throughput:end -->',
    ].join('\n\n');
    const next = skeleton(previous, HEADER);
    expect(next.startsWith(`# Benchmarks\n\n${HEADER}\n\n<!-- text-throughput:start -->\nthroughput v1\n`)).toBe(true);
    expect(next).not.toContain('old preamble');
    expect(next.indexOf('throughput v1')).toBeLessThan(next.indexOf('latency v1'));
    // A benchmark never measured gets a placeholder between its markers, for its script to replace.
    expect(sectionOf(next, 'daemon-memory')).toBe('<!-- daemon-memory:start -->\n## Daemon memory: 200 connectors, 100 rules, a simulated day\n\n(not measured yet)\n<!-- daemon-memory:end -->');
  });

  it('carries over the polling section written before it had markers, up to the next section only', () => {
    const previous = '# Benchmarks\n\n## Polling 1,000 feeds on the 5-minute schedule (issue 6)\n\nold table\n\n<!-- text-throughput:start -->\nx\n<!-- text-throughput:end -->\n';
    expect(sectionOf(previous, 'poll-feeds')).toBe('<!-- poll-feeds:start -->\n## Polling 1,000 feeds on the 5-minute schedule (issue 6)\n\nold table\n<!-- poll-feeds:end -->');
    const next = skeleton(previous, HEADER);
    expect(next.match(/old table/g)).toHaveLength(1);
    expect(sectionOf(next, 'text-throughput')).toBe('<!-- text-throughput:start -->\nx\n<!-- text-throughput:end -->');
  });
});
