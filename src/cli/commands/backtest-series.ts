import { createReadStream, createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseDurationMs } from '../../core/duration';
import { UsageError } from '../../core/errors';
import { DEFAULT_TIME_ZONE, isValidTimeZone } from '../../core/time';
import { zonedTimeToUtc } from '../../spikes/local-hour';
import { SeriesDetector } from '../../spikes/series-detector';
import type { Output } from '../output';

/** Options of `yuqing backtest-series`. */
export interface BacktestSeriesOptions {
  /** Write the CSV here instead of standard output. */
  out?: string;
  /** Baseline period, e.g. `14d` (default). */
  baseline?: string;
  /** Rows needed before scoring (default 24). */
  warmupPoints?: string;
  /** Score from which a row alerts, in (0, 1) (default 0.997). */
  threshold?: string;
  /** A row alerts only when its value is at least this. */
  minValue?: string;
  seasonality?: string;
  /** Zone of timestamps written without one, and of hours of day (default Asia/Taipei). */
  timeZone?: string;
}

const HEADER = /^\uFEFF?\s*"?timestamp"?\s*,\s*"?value"?\s*$/i;
const STAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A timestamp as `backtest-series` reads it: ISO 8601 (`2026-03-16T10:00:00+08:00`, `…Z`) or
 * `YYYY-MM-DD HH:MM:SS`; one written without a zone is in `timeZone`.
 * @returns epoch ms, or undefined when the text is not such a timestamp
 */
export function parseSeriesTimestamp(text: string, timeZone: string): number | undefined {
  const m = STAMP.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms] as const;
  if (parts[1] > 11 || parts[2] < 1 || parts[2] > 31 || parts[3] > 23 || parts[4] > 59 || parts[5] > 60) return undefined;
  if (!zone) return zonedTimeToUtc(timeZone, ...parts);
  if (zone.toUpperCase() === 'Z') return Date.UTC(...parts);
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMs = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  return Date.UTC(...parts) - offsetMs;
}

/** `0.99731` — at most 6 decimals, no trailing zeros. */
function formatScore(x: number): string {
  return String(Math.round(x * 1e6) / 1e6);
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

function numberOption(text: string | undefined, flag: string, fallback: number, check: (n: number) => boolean): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`${flag}「${text}」不是有效的數值 (invalid number)`);
  return n;
}

/**
 * `yuqing backtest-series FILE.csv`: run the volume detector over a generic series. Input: CSV
 * with the header `timestamp,value`, rows in time order. Output: the same rows, as written, plus
 * `anomaly_score` (0–1) and `alert` (0/1), computed online: each row's score uses that row and the
 * rows before it, never later ones (see src/spikes/series-detector.ts). Exit 0, or 1 with the
 * file and line of the first bad row.
 */
export async function backtestSeriesCommand(file: string, opts: BacktestSeriesOptions, out: Output): Promise<number> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`找不到檔案 ${path} (no such file)`);
  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  if (!isValidTimeZone(timeZone)) throw new UsageError(`未知的時區「${timeZone}」(unknown time zone)`);
  const baselineMs = opts.baseline === undefined ? undefined : parseDurationMs(opts.baseline);
  if (opts.baseline !== undefined && !baselineMs) throw new UsageError(`--baseline「${opts.baseline}」不是時間長度，例如 14d (not a duration)`);
  if (opts.seasonality !== undefined && opts.seasonality !== 'auto' && opts.seasonality !== 'off') throw new UsageError('--seasonality 只能是 auto 或 off');
  const detector = new SeriesDetector({
    ...(baselineMs ? { baselineMs } : {}),
    warmupPoints: numberOption(opts.warmupPoints, '--warmup-points', 24, (n) => Number.isInteger(n) && n >= 1),
    threshold: numberOption(opts.threshold, '--threshold', 0.997, (n) => n > 0 && n < 1),
    minValue: numberOption(opts.minValue, '--min-value', Number.NEGATIVE_INFINITY, () => true),
    seasonality: (opts.seasonality as 'auto' | 'off' | undefined) ?? 'auto',
    timeZone,
  });

  let sink: WriteStream | undefined;
  const write = (line: string): void => {
    if (sink) sink.write(`${line}\n`);
    else out.out(line);
  };
  if (opts.out) sink = createWriteStream(resolve(opts.out), { encoding: 'utf8' });
  try {
    const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
    let n = 0;
    let header = false;
    for await (const raw of lines) {
      n++;
      const line = raw.replace(/\r$/, '');
      if (line.trim() === '') continue;
      if (!header) {
        if (!HEADER.test(line)) throw new UsageError(`${path}:${n}：第一行必須是標題列 timestamp,value (the header must be timestamp,value)`);
        header = true;
        write(`${line.replace(/^\uFEFF/, '')},anomaly_score,alert`);
        continue;
      }
      const comma = line.lastIndexOf(',');
      if (comma < 0) throw new UsageError(`${path}:${n}：每列需要兩欄 timestamp,value (two columns expected)`);
      const at = parseSeriesTimestamp(unquote(line.slice(0, comma)), timeZone);
      if (at === undefined) throw new UsageError(`${path}:${n}：無法辨識的時間「${line.slice(0, comma)}」，請用 ISO 8601 或 YYYY-MM-DD HH:MM:SS (unrecognised timestamp)`);
      const valueText = unquote(line.slice(comma + 1));
      const value = Number(valueText);
      if (valueText === '' || !Number.isFinite(value)) throw new UsageError(`${path}:${n}：數值「${valueText}」無效 (invalid value)`);
      let r;
      try {
        r = detector.push(at, value);
      } catch (cause) {
        throw new UsageError(`${path}:${n}：${(cause as Error).message}（列必須依時間排序 rows must be in time order）`, { cause });
      }
      write(`${line},${formatScore(r.score)},${r.alert}`);
    }
    if (!header) throw new UsageError(`${path}：檔案是空的，缺少標題列 timestamp,value (empty file)`);
    return 0;
  } finally {
    if (sink) await new Promise<void>((done, fail) => sink!.end((err?: Error | null) => (err ? fail(err) : done())));
  }
}
