import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSeriesTimestamp } from '../../src/cli/commands/backtest-series';
import { main } from '../../src/cli/main';
import { memoryOutput } from '../../src/cli/output';
import { normalCdf, SeriesDetector } from '../../src/spikes/series-detector';

const HOUR = 3_600_000;
/** 2026-03-02 00:00 Asia/Taipei. */
const START = Date.UTC(2026, 2, 1, 16, 0);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'yuqing-series-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Hourly counts for 10 days with a daily rhythm (busy 09–18 Taipei), a deterministic wobble, and a spike at hour 200. */
function series(): Array<[string, number]> {
  const rows: Array<[string, number]> = [];
  for (let h = 0; h < 240; h++) {
    const at = START + h * HOUR;
    const hourOfDay = (h % 24);
    const base = hourOfDay >= 9 && hourOfDay < 18 ? 20 : 3;
    const wobble = ((h * 7) % 5) - 2;
    const spike = h === 200 ? 60 : 0;
    // Alternate the two accepted timestamp forms.
    const stamp = h % 2 === 0 ? new Date(at).toISOString() : `${new Date(at + 8 * HOUR).toISOString().slice(0, 10)} ${new Date(at + 8 * HOUR).toISOString().slice(11, 19)}`;
    rows.push([stamp, base + wobble + spike]);
  }
  return rows;
}

function csv(rows: Array<[string, number]>): string {
  return `timestamp,value\n${rows.map(([t, v]) => `${t},${v}`).join('\n')}\n`;
}

async function run(rows: Array<[string, number]>, extra: string[] = []): Promise<string[][]> {
  const file = join(dir, `in-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, csv(rows));
  const outFile = join(dir, 'out.csv');
  const out = memoryOutput();
  const code = await main(['node', 'yuqing', 'backtest-series', file, '--out', outFile, ...extra], out);
  expect(out.stderr).toEqual([]);
  expect(code).toBe(0);
  return readFileSync(outFile, 'utf8').trim().split('\n').map((l) => l.split(','));
}

describe('yuqing backtest-series', () => {
  it('writes the same rows plus anomaly_score (0–1) and alert (0/1), and flags the spike and nothing else', async () => {
    const rows = series();
    const out = await run(rows);
    expect(out[0]).toEqual(['timestamp', 'value', 'anomaly_score', 'alert']);
    expect(out).toHaveLength(241);
    out.slice(1).forEach((r, i) => {
      expect([r[0], Number(r[1])]).toEqual([rows[i]![0], rows[i]![1]]);
      const score = Number(r[2]);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
      expect(['0', '1']).toContain(r[3]);
    });
    // From the fourth day on, each hour is compared with the same hour on earlier days: only the spike alerts.
    const alerts = out.slice(1).flatMap((r, i) => (r[3] === '1' && i >= 72 ? [i] : []));
    expect(alerts).toEqual([200]);
    // With the warm-up covering those first three days, nothing else alerts at all.
    expect((await run(rows, ['--warmup-points', '72'])).slice(1).flatMap((r, i) => (r[3] === '1' ? [i] : []))).toEqual([200]);
    // Warm-up: the first 24 rows are not scored.
    expect(out.slice(1, 25).every((r) => r[2] === '0')).toBe(true);
  });

  it('is online: changing later rows never changes an earlier row’s score or alert', async () => {
    const rows = series();
    const before = await run(rows);
    const changed = rows.map(([t, v], i): [string, number] => (i >= 120 ? [t, v * 10 + 500] : [t, v]));
    const after = await run(changed);
    expect(after.slice(1, 121)).toEqual(before.slice(1, 121));
    expect(after.slice(121)).not.toEqual(before.slice(121));
    // And dropping the tail changes nothing before it.
    expect((await run(rows.slice(0, 150))).slice(1)).toEqual(before.slice(1, 151));
  });

  it('compares a busy hour with the same hour on earlier days once a week of history exists', () => {
    // Without the daily shape, an ordinary 10:00 (20) against mostly-quiet nights would look like a spike.
    const shaped = new SeriesDetector({ seasonality: 'auto' });
    const flat = new SeriesDetector({ seasonality: 'off' });
    let shapedAlerts = 0;
    let flatAlerts = 0;
    for (let h = 0; h < 240; h++) {
      const v = h % 24 >= 9 && h % 24 < 18 ? 20 : 3;
      shapedAlerts += shaped.push(START + h * HOUR, v).alert;
      flatAlerts += flat.push(START + h * HOUR, v).alert;
    }
    expect(flatAlerts).toBeGreaterThan(0);
    expect(shapedAlerts).toBeLessThan(flatAlerts);
  });

  it('refuses a file without the header, a bad timestamp, a bad value and rows out of order, naming the line', async () => {
    const file = join(dir, 'bad.csv');
    const check = async (text: string, message: RegExp): Promise<void> => {
      writeFileSync(file, text);
      const out = memoryOutput();
      expect(await main(['node', 'yuqing', 'backtest-series', file], out)).toBe(1);
      expect(out.stderr.join('\n')).toMatch(message);
    };
    await check('time,count\n2026-03-02 00:00:00,1\n', /bad\.csv:1：第一行必須是標題列 timestamp,value/);
    await check('timestamp,value\nyesterday,1\n', /bad\.csv:2：無法辨識的時間「yesterday」/);
    await check('timestamp,value\n2026-03-02 00:00:00,many\n', /bad\.csv:2：數值「many」無效/);
    await check('timestamp,value\n2026-03-02 01:00:00,1\n2026-03-02 00:00:00,1\n', /bad\.csv:3：.*rows must be in time order/);
  });
});

describe('series timestamps and the normal tail', () => {
  it('reads ISO 8601 with a zone as written and a zone-less time in the given zone', () => {
    expect(parseSeriesTimestamp('2026-03-16T10:00:00+08:00', 'UTC')).toBe(Date.UTC(2026, 2, 16, 2));
    expect(parseSeriesTimestamp('2026-03-16T02:00:00Z', 'Asia/Taipei')).toBe(Date.UTC(2026, 2, 16, 2));
    expect(parseSeriesTimestamp('2026-03-16 10:00:00', 'Asia/Taipei')).toBe(Date.UTC(2026, 2, 16, 2));
    expect(parseSeriesTimestamp('2026-03-16 10:00:00.250', 'Asia/Taipei')).toBe(Date.UTC(2026, 2, 16, 2, 0, 0, 250));
    expect(parseSeriesTimestamp('2026-13-16 10:00:00', 'Asia/Taipei')).toBeUndefined();
  });

  it('matches known values of Φ', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-3)).toBeCloseTo(0.0013499, 6);
  });
});
