/**
 * Throughput of the scoring stage against a naive baseline, in the same run, on one core.
 *
 *   taskset -c 0 npx tsx bench/text-throughput.ts [--write]
 *
 * Workload: 50 rules × 40 terms (bench/text-corpus.ts), 2,000 posts of 500 characters mixing
 * Traditional/Simplified Chinese and English. The real scorer runs what ingestion runs per
 * mention: language detection, normalisation, one automaton scan for every rule and lexicon
 * word, rule evaluation and sentiment. The baseline does the obvious thing: normalise, test every
 * rule term and every lexicon word with `includes`, and tokenise every text with natural's
 * WordTokenizer for AFINN. Both see the same texts; each is timed over three passes (median).
 * `--write` puts the result in docs/benchmarks.md between this benchmark's markers.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Converter } from 'opencc-js';
import { join } from 'node:path';
import { detectLang } from '../src/text/language';
import { defaultLexiconPath, loadLexicon, type Lexicon } from '../src/text/lexicon';
import { createScorer } from '../src/text/scorer';
import type { RuleFile } from '../src/config/rule-schema';
import { allTerms, benchmarkRules, benchmarkTexts } from './text-corpus';

type Tokenizers = typeof import('natural/lib/natural/tokenizers');
type NaturalSentiment = typeof import('natural/lib/natural/sentiment');

const PASSES = 3;

function naiveScorer(rules: readonly RuleFile[], lexicon: Lexicon): (text: string) => number {
  const { WordTokenizer } = require('natural/lib/natural/tokenizers') as Tokenizers;
  const { SentimentAnalyzer } = require('natural/lib/natural/sentiment') as NaturalSentiment;
  const tokenizer = new WordTokenizer();
  const toTraditional = Converter({ from: 'cn', to: 'tw' });
  const normalise = (t: string) => toTraditional(t.replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, '').normalize('NFKC').toLowerCase()).replace(/\s+/g, ' ').trim();
  const analyzer = new SentimentAnalyzer('English', undefined, 'afinn');
  const compiled = rules.map((r) => ({
    any: r.match.any.map(normalise),
    exclude: r.match.exclude.map(normalise),
    topics: Object.values(r.topics).map((t) => t.terms.map(normalise)),
  }));
  const words = [...lexicon.positive.map((w) => [normalise(w.term), w.weight] as const), ...lexicon.negative.map((w) => [normalise(w.term), -w.weight] as const)];
  return (raw) => {
    const text = normalise(raw);
    let hits = 0;
    for (const r of compiled) {
      if (!r.any.some((t) => text.includes(t)) || r.exclude.some((t) => text.includes(t))) continue;
      hits += 1 + r.topics.filter((ts) => ts.some((t) => text.includes(t))).length;
    }
    let sum = 0;
    for (const [w, weight] of words) if (text.includes(w)) sum += weight;
    sum += analyzer.getSentiment(tokenizer.tokenize(text));
    return hits + sum;
  };
}

function perSecond(fn: (t: string) => unknown, texts: readonly string[]): number {
  const rates: number[] = [];
  for (let p = 0; p < PASSES; p++) {
    const started = process.hrtime.bigint();
    for (const t of texts) fn(t);
    rates.push(texts.length / (Number(process.hrtime.bigint() - started) / 1e9));
  }
  return rates.sort((a, b) => a - b)[1]!;
}

interface Run {
  rules: number;
  terms: number;
  distinct: number;
  matched: number;
  real: number;
  baseline: number;
  buildMs: number;
}

/** One workload: `ruleCount` rules × 40 terms over the same texts. */
function measure(ruleCount: number, texts: readonly string[], lexicon: Lexicon): Run {
  const rules = benchmarkRules(ruleCount, 40);
  const built = process.hrtime.bigint();
  const scorer = createScorer({ rules, lexicon });
  for (const t of texts.slice(0, 200)) scorer.scoreText(t); // warm-up: converter tables, JIT
  const buildMs = Number(process.hrtime.bigint() - built) / 1e6;
  const naive = naiveScorer(rules, lexicon);
  for (const t of texts.slice(0, 50)) naive(t);
  const matched = texts.filter((t) => scorer.scoreText(t).rules.length > 0).length;
  const real = perSecond((t) => scorer.scoreText(t), texts);
  const baseline = perSecond(naive, texts.slice(0, 400));
  return { rules: rules.length, terms: allTerms(rules).length, distinct: scorer.termCount, matched, real, baseline, buildMs };
}

function main(): void {
  const texts = benchmarkTexts(benchmarkRules(50, 40), 2000, 500);
  const lexicon = loadLexicon(defaultLexiconPath());
  const english = texts.filter((t) => detectLang(t) === 'en').length;
  const runs = [measure(50, texts, lexicon), measure(200, texts, lexicon)];
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  const heapMiB = process.memoryUsage().heapUsed / 1024 / 1024;
  const n = (x: number) => Math.round(x).toLocaleString('en-US');

  const lines = [
    `Texts: ${texts.length} posts of ${texts[0]!.length} characters mixing Traditional/Simplified Chinese, English sentences (${english} detected as English), forum idioms and emoji, with rule terms sprinkled in (bench/text-corpus.ts). Node ${process.version}, pinned to one core with taskset, median of ${PASSES} passes; the machine was shared with other work while measuring.`,
    '',
    '| rules × terms | words in the automaton (with lexicon) | texts hitting a rule | scorer mentions/s | naive baseline mentions/s | ratio | scorer build + warm-up |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) => `| ${r.rules} × 40 (${n(r.terms)} terms) | ${n(r.distinct)} | ${r.matched} | **${n(r.real)}** | ${n(r.baseline)} | ${(r.real / r.baseline).toFixed(1)}× | ${r.buildMs.toFixed(0)} ms |`),
    '',
    `Peak RSS of the whole run (both workloads, both scorers): ${rssMiB.toFixed(0)} MiB; heap in use at the end: ${heapMiB.toFixed(0)} MiB.`,
    '',
    `Against the issue's targets at 50 × 40: ≥ 10,000 mentions/s on one core — ${runs[0]!.real >= 10_000 ? 'met' : '**not met**'} (${n(runs[0]!.real)}); ≥ 10× the naive baseline — ${runs[0]!.real >= 10 * runs[0]!.baseline ? 'met' : '**not met**'} (${(runs[0]!.real / runs[0]!.baseline).toFixed(1)}×). V8's \`includes\` is a fast native substring search, so at 2,000 terms the baseline spends little per term; the gap widens with more terms (see the 200-rule row).`,
    '',
    'The scorer does what ingestion does per mention: language detection, normalisation with offsets (NFKC, lower case, Simplified → Traditional, zero-width removal, whitespace), one automaton scan for every rule, query, topic and lexicon word, rule evaluation, and sentiment with negation, contrast and questions. The baseline normalises with opencc-js as the first version did, tests every rule term and lexicon word with `String.prototype.includes`, and runs natural\'s WordTokenizer + AFINN per text: it does less (no word boundaries, no positions, no negation) and its cost grows with the number of terms, while the scorer\'s stays flat.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (process.argv.includes('--write')) writeSection('text-throughput', '## Text scoring throughput (issue 4)', 'taskset -c 0 npx tsx bench/text-throughput.ts --write', lines);
}

/** Replace (or append) this benchmark's section in docs/benchmarks.md, leaving every other section alone. */
export function writeSection(key: string, heading: string, command: string, lines: string[]): void {
  const path = join(__dirname, '..', 'docs', 'benchmarks.md');
  mkdirSync(join(__dirname, '..', 'docs'), { recursive: true });
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const start = `<!-- ${key}:start -->`;
  const end = `<!-- ${key}:end -->`;
  const section = [start, heading, '', `Command: \`${command}\` (measured ${new Date().toISOString().slice(0, 10)})`, '', ...lines, end].join('\n');
  const a = current.indexOf(start);
  const b = current.indexOf(end);
  const next = a >= 0 && b > a ? current.slice(0, a) + section + current.slice(b + end.length) : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, next);
}

if (require.main === module) main();
