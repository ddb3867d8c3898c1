/** Durations in user files are written `30s`, `15m`, `4h`, `14d`, `2w` (or combined: `1h30m`). */

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PART = /(\d+(?:\.\d+)?)\s*([smhdw])/gy;

/** Milliseconds for a duration string, or `undefined` when it is not one. */
export function parseDurationMs(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (let m = PART.exec(s); m; m = PART.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    end = PART.lastIndex;
    while (s[end] === ' ') end++;
    PART.lastIndex = end;
  }
  return end === s.length && total > 0 ? Math.round(total) : undefined;
}

/** `90m` → `1 小時 30 分`, for messages to people. */
export function formatDurationZh(ms: number): string {
  const neg = ms < 0;
  let rest = Math.round(Math.abs(ms) / 60_000);
  const d = Math.floor(rest / 1440);
  rest -= d * 1440;
  const h = Math.floor(rest / 60);
  const m = rest - h * 60;
  const parts = [d ? `${d} 天` : '', h ? `${h} 小時` : '', m ? `${m} 分` : ''].filter(Boolean);
  return (neg ? '-' : '') + (parts.length ? parts.join(' ') : '0 分');
}
