import { localHourOfWeek } from './local-hour';
import { winsorizedCounts } from './robust-stats';

/**
 * The expected volume of a window, estimated from the baseline period's per-bucket counts.
 *
 * 1. **Level** (mentions per bucket).
 *    - `robust` (default): the baseline period is cut into whole days counted back from the window
 *      start; day totals are winsorized (see `winsorizedCounts`), so a flare-up in the baseline
 *      period counts as a busy day, not as the new normal. Needs {@link MIN_DAYS_ROBUST} fully
 *      observed days; before that it falls back to `mean`.
 *    - `mean`: total ÷ observed buckets (every bucket counts as it is).
 * 2. **Time-of-day shape** (`seasonality: auto`): with {@link MIN_DAYS_HOUR_OF_DAY} fully observed
 *    days, each local hour gets a factor (its share of the history ÷ 1/24), shrunk towards 1 by one
 *    pseudo-mention per hour so thin history stays flat; with {@link MIN_DAYS_HOUR_OF_WEEK} days,
 *    each hour of the week (168 slots) does, so Saturday mornings are compared with Saturday mornings.
 *    The window's expectation is the level times the mean factor of its buckets. Clinics are talked
 *    about by day: without this, ten mentions at 10:00 would be judged against a 24-hour average
 *    that includes the silent night.
 * 3. **Spread**: Poisson (variance = expectation) inflated by how bursty the rule's days are. The
 *    day-level dispersion φ_day = var/mean is scaled to the window as a negative binomial would be:
 *    φ = 1 + (φ_day − 1) · expected_window / mean_day.
 *
 * Pure: everything comes from the arguments (the time zone only shapes the hour slots).
 */

/** Fully observed days before `robust` stops falling back to the mean. */
export const MIN_DAYS_ROBUST = 3;
/** Fully observed days before the baseline follows the hour of day. */
export const MIN_DAYS_HOUR_OF_DAY = 7;
/** Fully observed days before it follows the hour of the week (weekday and hour). */
export const MIN_DAYS_HOUR_OF_WEEK = 28;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export type BaselineMethod = 'robust' | 'mean';
export type Seasonality = 'auto' | 'off';
/** Which time-of-day shape a baseline used. */
export type SeasonalProfile = 'none' | 'hourOfDay' | 'hourOfWeek';

/** Inputs of {@link estimateBaseline}. Times are epoch ms, durations ms. */
export interface BaselineInput {
  /** Mentions per bucket over the baseline period, oldest first; the last bucket ends at `windowStartMs`. */
  counts: readonly number[];
  bucketMs: number;
  windowStartMs: number;
  windowMs: number;
  /** Buckets starting before this were not observed and are ignored. */
  historyStartMs: number;
  method: BaselineMethod;
  seasonality: Seasonality;
  /** IANA zone whose hours the time-of-day shape follows. */
  timeZone: string;
}

/** The expectation for one window and how it was reached. */
export interface BaselineEstimate {
  /** Expected mentions in the window (0 when nothing was observed). */
  expected: number;
  /** Variance ÷ mean of a window count (≥ 1; 1 = Poisson). */
  dispersion: number;
  /** The level method actually used (`robust` falls back to `mean` on short history). */
  method: BaselineMethod;
  profile: SeasonalProfile;
  /** Baseline buckets that were observed, and how many whole days they make. */
  observedBuckets: number;
  fullDays: number;
}

/**
 * Estimate the window's expected volume (see the module comment).
 * @throws RangeError when `bucketMs` or `windowMs` is not positive (a programming error)
 */
export function estimateBaseline(input: BaselineInput): BaselineEstimate {
  const { counts, bucketMs, windowStartMs, windowMs, historyStartMs } = input;
  if (!(bucketMs > 0) || !(windowMs > 0)) throw new RangeError(`estimateBaseline: bucketMs and windowMs must be > 0 (got ${bucketMs}, ${windowMs})`);
  const n = counts.length;
  const bucketStart = (i: number): number => windowStartMs - (n - i) * bucketMs;

  // Observed buckets (aligned from the end: the last one ends where the window starts).
  let firstObserved = n;
  for (let i = 0; i < n; i++) {
    if (bucketStart(i) >= historyStartMs) {
      firstObserved = i;
      break;
    }
  }
  const observedBuckets = n - firstObserved;
  let observedTotal = 0;
  for (let i = firstObserved; i < n; i++) observedTotal += counts[i]!;

  // Whole days, newest first, each [start, end) index range; only when a day is a whole number of buckets.
  const perDay = DAY_MS / bucketMs;
  const days: Array<{ from: number; to: number; total: number }> = [];
  if (Number.isInteger(perDay)) {
    for (let to = n; to - perDay >= firstObserved; to -= perDay) {
      let total = 0;
      for (let i = to - perDay; i < to; i++) total += counts[i]!;
      days.push({ from: to - perDay, to, total });
    }
  }
  const fullDays = days.length;

  const windowBuckets = windowMs / bucketMs;
  const empty: BaselineEstimate = { expected: 0, dispersion: 1, method: 'mean', profile: 'none', observedBuckets, fullDays };
  if (observedBuckets === 0) return empty;

  // 1. Level.
  let method: BaselineMethod = 'mean';
  let levelPerBucket = observedTotal / observedBuckets;
  let dayDispersion = 1;
  let dayMean = levelPerBucket * perDay;
  /** Per-day weight applied to that day's buckets when shaping the profile (clipped ÷ raw). */
  const dayWeight = days.map(() => 1);
  if (input.method === 'robust' && fullDays >= MIN_DAYS_ROBUST) {
    const w = winsorizedCounts(days.map((d) => d.total));
    method = 'robust';
    levelPerBucket = w.mean / perDay;
    dayMean = w.mean;
    dayDispersion = w.dispersion;
    days.forEach((d, j) => (dayWeight[j] = d.total > 0 ? w.clipped[j]! / d.total : 1));
  }

  // 2. Time-of-day shape.
  let profile: SeasonalProfile = 'none';
  let factor = 1;
  const shapeable = input.seasonality === 'auto' && bucketMs <= HOUR_MS && fullDays >= MIN_DAYS_HOUR_OF_DAY;
  if (shapeable) {
    profile = fullDays >= MIN_DAYS_HOUR_OF_WEEK ? 'hourOfWeek' : 'hourOfDay';
    const slots = profile === 'hourOfWeek' ? 168 : 24;
    const slotOf = (ms: number): number => localHourOfWeek(ms, input.timeZone) % slots;
    const mass = new Float64Array(slots);
    const exposure = new Float64Array(slots);
    days.forEach((d, j) => {
      for (let i = d.from; i < d.to; i++) {
        const s = slotOf(bucketStart(i));
        mass[s]! += counts[i]! * dayWeight[j]!;
        exposure[s]! += 1;
      }
    });
    let totalMass = 0;
    let totalExposure = 0;
    for (let s = 0; s < slots; s++) {
      totalMass += mass[s]!;
      totalExposure += exposure[s]!;
    }
    // One pseudo-mention per slot: thin history gives factors near 1, rich history its own shape.
    const overallRate = (totalMass + slots) / totalExposure;
    const slotFactor = (s: number): number => (exposure[s]! > 0 ? (mass[s]! + 1) / exposure[s]! / overallRate : 1);
    const steps = Math.max(1, Math.ceil(windowBuckets));
    let sum = 0;
    for (let i = 0; i < steps; i++) sum += slotFactor(slotOf(windowStartMs + i * bucketMs));
    factor = sum / steps;
  }

  const expected = levelPerBucket * windowBuckets * factor;
  const dispersion = dayDispersion > 1 && dayMean > 0 ? 1 + ((dayDispersion - 1) * expected) / dayMean : 1;
  return { expected, dispersion, method, profile, observedBuckets, fullDays };
}
