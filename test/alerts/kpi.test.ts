import { join } from 'node:path';
import { summarizeKpis } from '../../src/alerts/kpi';
import type { AlertRecord } from '../../src/alerts/types';
import { main } from '../../src/cli/main';
import { memoryOutput } from '../../src/cli/output';
import { ManualClock } from '../../src/core/clock';
import { openStateStore } from '../../src/store/state-store';
import { makeAlert } from '../helpers/alert-fixtures';
import { sampleProject } from '../helpers/project-dir';

const MIN = 60_000;
const DAY = 86_400_000;
const T = Date.now() - 5 * DAY;

const alerts: AlertRecord[] = [
  makeAlert({ id: 'a1', peakLevel: 'L3', level: 'L3', openedAt: T, status: 'resolved', timeToAckMs: 10 * MIN, ackWithinSla: true, acknowledgedAt: T + 10 * MIN, timeToResolveMs: 180 * MIN, resolvedAt: T + 180 * MIN }),
  makeAlert({
    id: 'a2', peakLevel: 'L3', level: 'L3', openedAt: T + DAY, status: 'acknowledged', timeToAckMs: 40 * MIN, ackWithinSla: false, acknowledgedAt: T + DAY + 40 * MIN, escalatedAt: T + DAY + 15 * MIN,
    drivers: { topTerms: [{ term: '醫療糾紛', count: 6 }], topSources: [], risingTerms: [{ term: '毀容', count: 5, expected: 0.04 }] },
  }),
  makeAlert({ id: 'a3', peakLevel: 'L1', level: 'L1', openedAt: T + 2 * DAY, status: 'open' }),
  makeAlert({ id: 'h1', kind: 'hotspot', peakLevel: 'L1', level: 'L1', openedAt: T + 2 * DAY, status: 'open' }),
  makeAlert({ id: 'old', peakLevel: 'L2', level: 'L2', openedAt: T - 60 * DAY, status: 'resolved', timeToAckMs: MIN, ackWithinSla: true }),
];

describe('summarizeKpis', () => {
  it('measures time to acknowledge and resolve, the share within the deadline and escalations, per peak level, for crises in the period', () => {
    const r = summarizeKpis(alerts, T - DAY, T + 10 * DAY);
    expect(r.overall).toEqual({ alerts: 3, acknowledged: 2, ackWithinSlaShare: 0.5, medianTimeToAckMs: 10 * MIN, p90TimeToAckMs: 40 * MIN, resolved: 1, medianTimeToResolveMs: 180 * MIN, unacknowledgedOpen: 1, escalated: 1 });
    expect(r.byLevel.L3.alerts).toBe(2);
    expect(r.byLevel.L1).toMatchObject({ alerts: 1, acknowledged: 0, ackWithinSlaShare: null, medianTimeToAckMs: null, unacknowledgedOpen: 1 });
    expect(r.byLevel.L2.alerts).toBe(0);
  });
});

describe('yuqing alerts kpi / show', () => {
  it('prints the KPIs of the last N days and the KPI line of one alert', async () => {
    const p = sampleProject();
    try {
      const store = openStateStore({ path: join(p.dir, 'data', 'yuqing.db'), clock: new ManualClock(T), storeMentionDocuments: true });
      for (const a of alerts) store.alerts.commit(a, [], [], a.openedAt);
      store.close();
      const out = memoryOutput();
      expect(await main(['node', 'yuqing', '--config', p.config, 'alerts', 'kpi', '--days', '30', '--json'], out)).toBe(0);
      const report = JSON.parse(out.stdout.join('\n')) as { overall: { alerts: number; ackWithinSlaShare: number } };
      expect(report.overall).toMatchObject({ alerts: 3, ackWithinSlaShare: 0.5 });
      const text = memoryOutput();
      await main(['node', 'yuqing', '--config', p.config, 'alerts', 'kpi'], text);
      expect(text.stdout.join('\n')).toMatch(/全部：3 則；已確認 2（期限內 50%），確認時間中位數 10 分、90% 40 分；已解除 1，解除時間中位數 3 小時；升級通報 1；仍待確認 1/);
      const show = memoryOutput();
      expect(await main(['node', 'yuqing', '--config', p.config, 'alerts', 'show', 'a2'], show)).toBe(0);
      expect(show.stdout.join('\n')).toMatch(/KPI：首次確認 40 分（逾時）；於 .* 升級通報/);
      expect(show.stdout).toContain('熱門詞：醫療糾紛 ×6');
      expect(show.stdout).toContain('上升詞（標題，與基準期比）：毀容 ×5（預期 <0.1）');
    } finally {
      p.cleanup();
    }
  });
});
