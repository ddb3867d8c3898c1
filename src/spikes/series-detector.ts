import { localHourOfWeek } from './local-hour';
import { MAD_TO_SD, median } from './robust-stats';

/**
 * The volume detector for a generic time series (`yuqing backtest-series`): each value against a
 * robust baseline of the values before it, online. A row's score depends on that row and earlier
 * rows only — `push` is the whole API, and it never looks back to change an earlier answer.
 *
 * For each new value x at time t, the reference is the values in the baseline period before t:
 * those at the same local hour of the week once the history spans 28 days (and holds at least 3
 * of them), else those at the same hour of day once it spans 3 days (at least 3), else all of them.
 * (Like the rule detector it follows the time of day; a same-hour median needs fewer days than the
 * rule detector's shrunk hourly factors, so it starts sooner.) Then
 *
 *   center = median(reference), spread = 1.4826 · MAD(reference), floored at √max(center, 1) while
 *   every value seen so far is a whole non-negative number (counts are at least Poisson-noisy) and
 *   at 1% of |center| (or 1e-9) otherwise, so a flat series does not divide by zero;
 *   z = (x − center) / spread;  anomaly_score = 2Φ(z) − 1 for z > 0, else 0  (in [0, 1]);
 *   alert = 1 when the score reaches `threshold` (default 0.997, z ≈ 3) and x ≥ `minValue`.
 *
 * Only rises count (a volume detector looks for spikes, not lulls). Until `warmupPoints` values
 * (default 24) and the warm-up period have been seen, the score is 0 and no alert is raised. A
 * series with a strong daily rhythm can flag its busy hours during its first three days, before it
 * has seen them; raise `warmupPoints` (72 for hourly rows) when that matters.
 */

export interface SeriesDetectorOptions {
  /** How far back the reference reaches (default 14 days). */
  baselineMs?: number;
  /** Values needed before scoring starts (default 24). */
  warmupPoints?: number;
  /** Time since the first value before scoring starts (default 0). */
  warmupMs?: number;
  /** Score at or above which a row alerts (default 0.997). */
  threshold?: number;
  /** A row alerts only when its value is at least this (default −∞: off). */
  minValue?: number;
  /** `auto`: same hour of day / of week once history allows; `off`: all history. */
  seasonality?: 'auto' | 'off';
  /** Zone of the hours (default Asia/Taipei). */
  timeZone?: string;
}

export interface SeriesScore {
  /** In [0, 1]: how unusually high the value is against its history (1 to double precision beyond z ≈ 8). */
  score: number;
  alert: 0 | 1;
  /** The baseline it was compared with, and the z-score (0 while warming up). */
  center: number;
  z: number;
}

const DAY_MS = 86_400_000;

/**
 * `P(Z ≤ z)` for a standard normal Z, via the complementary error function (W. J. Cody's rational
 * approximation as in Numerical Recipes `erfcc`, relative error < 1.2e-7 everywhere).
 */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** The online detector (see the module comment). */
export class SeriesDetector {
  private readonly times: number[] = [];
  private readonly values: number[] = [];
  private readonly slots: number[] = [];
  private counts = true;
  /** Index of the oldest row still inside the baseline period (rows come in time order, so it only moves on). */
  private first = 0;
  private readonly o: Required<SeriesDetectorOptions>;

  constructor(options: SeriesDetectorOptions = {}) {
    this.o = {
      baselineMs: options.baselineMs ?? 14 * DAY_MS,
      warmupPoints: options.warmupPoints ?? 24,
      warmupMs: options.warmupMs ?? 0,
      threshold: options.threshold ?? 0.997,
      minValue: options.minValue ?? Number.NEGATIVE_INFINITY,
      seasonality: options.seasonality ?? 'auto',
      timeZone: options.timeZone ?? 'Asia/Taipei',
    };
  }

  /**
   * Score the next value. Rows must come in time order (equal times are allowed).
   * @throws RangeError when `atMs` is earlier than the previous row's, or a value is not finite
   */
  push(atMs: number, value: number): SeriesScore {
    if (!Number.isFinite(value) || !Number.isFinite(atMs)) throw new RangeError(`value and time must be finite numbers (got ${value} at ${atMs})`);
    const last = this.times[this.times.length - 1];
    if (last !== undefined && atMs < last) throw new RangeError(`rows must be in time order (${new Date(atMs).toISOString()} after ${new Date(last).toISOString()})`);
    const slot = localHourOfWeek(atMs, this.o.timeZone);
    const result = this.score(atMs, value, slot);
    // Only now does this row become history for later rows.
    this.times.push(atMs);
    this.values.push(value);
    this.slots.push(slot);
    if (!(Number.isInteger(value) && value >= 0)) this.counts = false;
    return result;
  }

  private score(atMs: number, value: number, slot: number): SeriesScore {
    const from = atMs - this.o.baselineMs;
    while (this.first < this.times.length && this.times[this.first]! < from) this.first++;
    const first = this.first;
    const n = this.times.length - first;
    const none: SeriesScore = { score: 0, alert: 0, center: 0, z: 0 };
    if (n < this.o.warmupPoints || this.times.length === 0 || atMs - this.times[0]! < this.o.warmupMs) return none;

    const spanMs = atMs - this.times[first]!;
    let reference: number[] | undefined;
    if (this.o.seasonality === 'auto' && spanMs >= 28 * DAY_MS) {
      const same = this.pick(first, (s) => s === slot);
      if (same.length >= 3) reference = same;
    }
    if (!reference && this.o.seasonality === 'auto' && spanMs >= 3 * DAY_MS) {
      const same = this.pick(first, (s) => s % 24 === slot % 24);
      if (same.length >= 3) reference = same;
    }
    reference ??= this.values.slice(first);

    const center = median(reference);
    const mad = median(reference.map((v) => Math.abs(v - center)));
    const floor = this.counts && Number.isInteger(value) && value >= 0 ? Math.sqrt(Math.max(center, 1)) : Math.max(Math.abs(center) * 0.01, 1e-9);
    const spread = Math.max(MAD_TO_SD * mad, floor);
    const z = (value - center) / spread;
    const score = z > 0 ? 2 * normalCdf(z) - 1 : 0;
    return { score, alert: score >= this.o.threshold && value >= this.o.minValue ? 1 : 0, center, z };
  }

  private pick(first: number, keep: (slot: number) => boolean): number[] {
    const out: number[] = [];
    for (let i = first; i < this.values.length; i++) if (keep(this.slots[i]!)) out.push(this.values[i]!);
    return out;
  }
}
