/**
 * Sentiment accuracy and macro-F1 (3 classes) on the labelled sets in test/fixtures/sentiment (see LABELS.md there),
 * per split (dev, held-out test, all), for zh-TW with the shipped lexicon and for English.
 *
 *   npx tsx bench/text-sentiment-eval.ts [--errors] [--write]
 *
 * `--errors` lists every wrong prediction with its contributions; `--write` puts the tables in
 * docs/benchmarks.md between this benchmark's markers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SentimentLabel } from '../src/core/types';
import { defaultLexiconPath, loadLexicon } from '../src/text/lexicon';
import { createScorer } from '../src/text/scorer';
import { writeTextSection } from './text-throughput';

interface Example {
  id: string;
  split: 'dev' | 'test';
  label: SentimentLabel;
  kind: string;
  text: string;
}

const LABELS: SentimentLabel[] = ['negative', 'neutral', 'positive'];

export function readExamples(file: string): Example[] {
  const [header, ...rows] = readFileSync(join(__dirname, '..', 'test', 'fixtures', 'sentiment', file), 'utf8').trimEnd().split('\n');
  if (header !== 'id\tsplit\tlabel\tkind\ttext') throw new Error(`${file}: unexpected header ${header}`);
  return rows.map((row) => {
    const [id, split, label, kind, text] = row.split('\t') as [string, Example['split'], SentimentLabel, string, string];
    return { id, split, label, kind, text };
  });
}

/** Accuracy and macro-F1 over the three labels (a label never predicted nor present scores F1 0). */
export function metrics(pairs: Array<{ gold: SentimentLabel; predicted: SentimentLabel }>): { n: number; accuracy: number; macroF1: number; f1: Record<SentimentLabel, number> } {
  const f1 = {} as Record<SentimentLabel, number>;
  for (const l of LABELS) {
    const tp = pairs.filter((p) => p.gold === l && p.predicted === l).length;
    const fp = pairs.filter((p) => p.gold !== l && p.predicted === l).length;
    const fn = pairs.filter((p) => p.gold === l && p.predicted !== l).length;
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    f1[l] = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  }
  const correct = pairs.filter((p) => p.gold === p.predicted).length;
  return { n: pairs.length, accuracy: pairs.length === 0 ? 0 : correct / pairs.length, macroF1: LABELS.reduce((s, l) => s + f1[l], 0) / LABELS.length, f1 };
}

function main(): void {
  const scorer = createScorer({ rules: [], lexicon: loadLexicon(defaultLexiconPath()) });
  const showErrors = process.argv.includes('--errors');
  const lines: string[] = [];
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  for (const [file, title, lang] of [
    ['sentiment-zh-TW.tsv', 'zh-TW', undefined],
    ['sentiment-en.tsv', 'English', 'en'],
  ] as const) {
    const examples = readExamples(file);
    const scored = examples.map((e) => ({ e, s: scorer.scoreText(e.text, lang) }));
    const method = [...new Set(scored.map((x) => x.s.sentiment.method))].join(', ');
    lines.push(`**${title}** (\`test/fixtures/sentiment/${file}\`, method ${method})`, '', '| split | n | accuracy | macro-F1 | F1 neg / neu / pos |', '|---|---:|---:|---:|---|');
    for (const split of ['dev', 'test', 'all'] as const) {
      const subset = scored.filter((x) => split === 'all' || x.e.split === split);
      const m = metrics(subset.map((x) => ({ gold: x.e.label, predicted: x.s.sentiment.label })));
      lines.push(`| ${split === 'test' ? 'test (held out)' : split} | ${m.n} | ${pct(m.accuracy)} | ${m.macroF1.toFixed(3)} | ${LABELS.map((l) => m.f1[l].toFixed(2)).join(' / ')} |`);
    }
    // Where it goes wrong, by kind (all splits).
    const kinds = [...new Set(examples.map((e) => e.kind))].sort();
    const byKind = kinds.map((k) => {
      const subset = scored.filter((x) => x.e.kind === k);
      return `${k} ${subset.filter((x) => x.e.label === x.s.sentiment.label).length}/${subset.length}`;
    });
    lines.push('', `Correct by kind: ${byKind.join(', ')}.`, '');
    if (showErrors) {
      for (const { e, s } of scored.filter((x) => x.e.label !== x.s.sentiment.label)) {
        process.stderr.write(`${e.id} [${e.split}/${e.kind}] gold ${e.label} got ${s.sentiment.label} ${s.sentiment.score}: ${e.text}  ${JSON.stringify(s.sentiment.contributions)}\n`);
      }
    }
  }
  lines.push(
    'How these numbers came about: the sets were written first and scored with the lexicon as it stood (zh-TW dev 77.9% / macro-F1 0.782, held-out test 84.0% / 0.839, all 80.0% / 0.801; English all 70.7% / 0.704). The lexicon and the scorer were then tuned by reading the **dev** errors only (complaint vocabulary, sarcastic idioms, A-not-A questions, rhetorical questions without sentiment words, 結果/本來 as contrast/concession, English words in Chinese posts, English `but`). The held-out test split was not used for tuning; its change (84.0% → the figure above) is the honest estimate of what the tuning generalises to. The texts are short, clean and written by one person: expect lower figures on real posts. Sarcasm without a marker (「好專業喔，專業到把我的臉做歪」) remains the main failure.',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  if (process.argv.includes('--write')) writeTextSection('text-sentiment', '## Sentiment accuracy (issue 4)', 'npx tsx bench/text-sentiment-eval.ts --write', lines);
}

if (require.main === module) main();
