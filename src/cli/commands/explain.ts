import type { Sentiment } from '../../core/types';
import type { OriginalSpan, ScoreExplanation } from '../../text/scorer';
import type { Output } from '../output';
import { loadTextScorer, parseLang, type TextScorerOptions } from './text-scorer';

/**
 * `yuqing explain [--rules FILE…] [--title T] "text"`: which rules and topics match the text, with
 * the matched words marked, why a rule that came close did not match, and the sentiment with the
 * words that moved it. For clinics tuning a rule file.
 */

export interface ExplainOptions extends TextScorerOptions {
  title?: string;
  lang?: string;
  /** Mark spans with ANSI colours instead of brackets (default: when stdout is a terminal). */
  color?: boolean;
}

const LABEL_ZH = { positive: '正面', neutral: '中立', negative: '負面' } as const;

/** Run the command; returns the exit code (0, or 1 when the rules cannot be loaded). */
export function explainCommand(configPath: string, text: string, opts: ExplainOptions, out: Output): number {
  const lang = parseLang(opts.lang);
  const scorer = loadTextScorer(configPath, opts, out);
  if (!scorer) return 1;
  const e = scorer.explain({ body: text, ...(opts.title !== undefined ? { title: opts.title } : {}), ...(lang ? { lang } : {}) });
  for (const line of renderExplanation(e, opts.color ?? false)) out.out(line);
  return 0;
}

/**
 * The explanation as lines of zh-TW text. Marks: 【規則詞】 for words that make a rule match,
 * 〔議題詞〕 for risk-topic words, ［排除詞］ for exclusions (ANSI colours instead with `color`).
 */
export function renderExplanation(e: ScoreExplanation, color: boolean): string[] {
  const lines: string[] = [];
  const spans = e.rules.flatMap((r) => r.spans);
  lines.push(`文字 (text)：${mark(e.text, spans, color)}`);
  if (spans.length > 0) lines.push(color ? '  （黃：監測詞　紅：議題詞　刪除線：排除詞）' : '  （【監測詞】〔議題詞〕［排除詞］）');
  lines.push(`語言 (language)：${e.lang}　正規化後 (normalised)：${e.normalised}`);
  lines.push('');
  lines.push('── 規則 (rules) ──');
  if (e.rules.length === 0) lines.push('  沒有任何規則的詞出現在這段文字中 (no rule term occurs)');
  for (const r of e.rules) {
    if (r.matched && r.hit) {
      lines.push(`  ✔ ${r.ruleId} 符合 (matched)`);
      lines.push(`      監測詞：${r.hit.terms.join('、')}`);
      for (const t of r.hit.topics) lines.push(`      議題 ${t.topic}（風險 ${t.risk}）：${t.terms.join('、')}`);
      lines.push(`      風險 (risk)：${r.hit.risk}`);
    } else {
      lines.push(`  ✘ ${r.ruleId} 不符合 (did not match)：`);
      for (const why of r.reasons) lines.push(`      - ${why}`);
    }
  }
  lines.push('');
  lines.push('── 情緒 (sentiment) ──');
  lines.push(...renderSentiment(e.scoring.sentiment));
  return lines;
}

function renderSentiment(s: Sentiment): string[] {
  const sign = (n: number) => (n > 0 ? `+${n.toFixed(2)}` : n.toFixed(2));
  const lines = [`  ${LABEL_ZH[s.label]} ${s.label} ${sign(s.score)}（方法 ${s.method}）`];
  if (s.contributions.length === 0) lines.push('  沒有帶情緒的詞 (no sentiment words)');
  for (const c of s.contributions) lines.push(`    ${sign(c.weight)}  ${c.term}${c.note ? `（${c.note}）` : ''}`);
  return lines;
}

const BRACKETS: Record<OriginalSpan['role'], [string, string]> = { match: ['【', '】'], topic: ['〔', '〕'], exclude: ['［', '］'] };
const ANSI: Record<OriginalSpan['role'], string> = { match: '\x1b[30;43m', topic: '\x1b[97;41m', exclude: '\x1b[9m' };

/** The text with non-overlapping spans marked (leftmost, then longest, wins). */
function mark(text: string, spans: OriginalSpan[], color: boolean): string {
  const chosen: OriginalSpan[] = [];
  let covered = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start || b.end - a.end)) {
    if (s.start < covered || s.end <= s.start) continue;
    chosen.push(s);
    covered = s.end;
  }
  let out = '';
  let at = 0;
  for (const s of chosen) {
    out += text.slice(at, s.start);
    const inner = text.slice(s.start, s.end);
    out += color ? `${ANSI[s.role]}${inner}\x1b[0m` : `${BRACKETS[s.role][0]}${inner}${BRACKETS[s.role][1]}`;
    at = s.end;
  }
  return (out + text.slice(at)).replace(/\n/g, '⏎');
}
