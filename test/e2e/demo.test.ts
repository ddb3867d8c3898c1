import { memoryOutput } from '../../src/cli/output';
import { runDemo } from '../../src/demo/run-demo';

describe('yuqing demo', () => {
  it('detects the bundled crisis at L3, escalates it unacknowledged, flags the week’s hot-spot, delivers by email and webhook, and fires nothing else', async () => {
    const out = memoryOutput();
    const result = await runDemo(out);
    const text = out.stdout.join('\n');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.ok).toBe(true);
    // One crisis, and the same flare as this week's dispute hot-spot: nothing else.
    expect(result.alerts.map((a) => [a.kind, a.key, a.peakLevel])).toEqual([
      ['hotspot', 'hotspot:example-clinic:dispute', 'L1'],
      ['crisis', 'example-clinic', 'L3'],
    ]);
    expect(result.alerts[1]).toMatchObject({ ruleId: 'example-clinic', status: 'resolved', escalatedAt: result.alerts[1]!.respondBy, remindersSent: 2 });
    expect(result.emails).toBeGreaterThan(0);
    expect(result.webhooks).toBeGreaterThan(0);
    // What the PR lead reads: the level, the deadlines, why, and the evidence.
    expect(text).toContain('【輿情警示 L2→L3・升級】範例診所');
    expect(text).toContain('回應期限：');
    expect(text).toContain('觸發原因');
    expect(text).toContain('證據清單');
    expect(text).toContain('逾時升級通報 L3（通知 director）');
    expect(text).toContain('【週報熱點 L1・新警示】範例診所：醫療糾紛 本週 6 則');
    expect(text).toContain('示範成功');
  }, 120_000);
});
