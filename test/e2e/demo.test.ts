import { memoryOutput } from '../../src/cli/output';
import { runDemo } from '../../src/demo/run-demo';

describe('yuqing demo', () => {
  it('detects the bundled crisis at L3, delivers it by email and webhook, and fires nothing else', async () => {
    const out = memoryOutput();
    const result = await runDemo(out);
    const text = out.stdout.join('\n');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.alerts).toHaveLength(1);
    expect(result.alerts[0]).toMatchObject({ ruleId: 'example-clinic', peakLevel: 'L3', status: 'resolved' });
    expect(result.emails).toBeGreaterThan(0);
    expect(result.webhooks).toBeGreaterThan(0);
    // What the PR lead reads: the level, the deadlines, why, and the evidence.
    expect(text).toContain('【輿情警示 L2→L3・升級】範例診所');
    expect(text).toContain('回應期限：');
    expect(text).toContain('觸發原因');
    expect(text).toContain('證據清單');
    expect(text).toContain('示範成功');
  }, 120_000);
});
