import { createInterface } from 'node:readline';
import type { Lang } from '../../core/types';
import type { Scorer } from '../../text/scorer';
import { detectLang } from '../../text/language';
import type { Output } from '../output';
import { loadTextScorer, parseLang, type TextScorerOptions } from './text-scorer';

/**
 * `yuqing score`: NDJSON in, NDJSON out, for batch analysis and evaluation. Each input line is
 * either a JSON object — a mention (`title`, `body`, optional `id`, `lang`) or `{ "text": … }` —
 * or, with `--text` or when it is not a JSON object, one text. Each output line carries the
 * input's `id` (when given), the language, the rules hit and the sentiment. A line that cannot be
 * used gets `{ "line": n, "error": … }` and the rest go on.
 */

export interface ScoreOptions extends TextScorerOptions {
  /** Every line is plain text, even if it looks like JSON. */
  text?: boolean;
  lang?: string;
}

/** One output record. */
export interface ScoreRecord {
  id?: unknown;
  lang: Lang;
  rules: ReturnType<Scorer['score']>['rules'];
  sentiment: ReturnType<Scorer['score']>['sentiment'];
}

/**
 * Read lines from `input` until it ends, writing one NDJSON line per non-empty input line.
 * Returns 0, 1 when the rules cannot be loaded, 3 when some lines were unusable.
 */
export async function scoreCommand(configPath: string, opts: ScoreOptions, input: NodeJS.ReadableStream, out: Output): Promise<number> {
  const forcedLang = parseLang(opts.lang);
  const scorer = loadTextScorer(configPath, opts, out);
  if (!scorer) return 1;
  let lineNo = 0;
  let failed = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    const result = scoreLine(scorer, line, Boolean(opts.text), forcedLang);
    if ('error' in result) {
      failed++;
      out.out(JSON.stringify({ line: lineNo, error: result.error }));
    } else out.out(JSON.stringify(result));
  }
  if (failed > 0) out.err(`⚠ ${failed} 行無法評分，輸出中以 {"line", "error"} 標示 (${failed} unusable line(s))`);
  return failed > 0 ? 3 : 0;
}

/** Score one input line (pure apart from the scorer). */
export function scoreLine(scorer: Scorer, line: string, plainText: boolean, forcedLang?: Lang): ScoreRecord | { error: string } {
  const trimmed = line.trim();
  if (plainText || !trimmed.startsWith('{')) {
    const lang = forcedLang ?? detectLang(line);
    return { lang, ...scorer.scoreText(line, lang) };
  }
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (err) {
    return { error: `不是有效的 JSON：${(err as Error).message} (invalid JSON; use --text for plain lines)` };
  }
  // A line starting with 「{」 that parses is an object.
  const o = value as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const title = str('title') ?? '';
  const body = str('body') ?? str('text');
  if (body === undefined && title === '') return { error: '物件需要 title、body 或 text 字串欄位 (needs a title, body or text string)' };
  const givenLang = str('lang');
  const lang: Lang = forcedLang ?? (givenLang === 'zh' || givenLang === 'en' || givenLang === 'other' ? givenLang : detectLang(`${title}\n${body ?? ''}`));
  const scoring = scorer.score({ title, body: body ?? '', lang });
  return { ...(o.id !== undefined ? { id: o.id } : {}), lang, ...scoring };
}
