import { renderWebhookPayload, WEBHOOK_PAYLOAD_MAX_BYTES } from '../../src/alerts/render/webhook-payload';
import { EVENT_AT, makeEvidence, makeNotice } from '../helpers/alert-fixtures';

describe('renderWebhookPayload', () => {
  it('wraps the event in the documented envelope with ISO times', () => {
    const p = renderWebhookPayload(makeNotice({ event: 'upgraded', fromLevel: 'L2' }));
    expect(p.type).toBe('alert.upgraded');
    expect(p.timestamp).toBe(new Date(EVENT_AT).toISOString());
    expect(p.idempotencyKey).toBe('alert-example-clinic-1:1:pr-lead:email');
    expect(p.data.event).toEqual({ type: 'upgraded', label: '升級', at: '2025-11-21T06:05:00.000Z', fromLevel: 'L2', toLevel: 'L3' });
    expect(p.data.alert.respondBy).toBe('2025-11-21T06:20:00.000Z');
    expect(p.data.alert.window).toMatchObject({ start: '2025-11-21T05:05:00.000Z', end: '2025-11-21T06:05:00.000Z', mentions: 12, baseline: 2.5 });
    expect(p.data.alert.reason).toEqual({ condition: 'risk == high and mentions >= 3', words: '最高風險等級 ＝ 高 且 窗口內提及數 ≥ 3' });
    expect(p.data.alert.topics[0]).toEqual({ id: 'dispute', name: '醫療糾紛', risk: 'high', count: 5 });
    expect(p.data.summary.subject).toBe('【輿情警示 L2→L3・升級】範例診所：醫療糾紛（須於 11/21 14:20 前回應）');
  });

  it('carries the rising words of the window with their counts, and null where none were looked for', () => {
    const drivers = { topTerms: [], topSources: [], risingTerms: [{ term: '毀容', count: 5, expected: 0.025 }] };
    expect(renderWebhookPayload(makeNotice({}, { drivers })).data.alert.risingTerms).toEqual([{ term: '毀容', count: 5, expected: 0.025 }]);
    expect(renderWebhookPayload(makeNotice({}, { drivers: { topTerms: [], topSources: [], risingTerms: [] } })).data.alert.risingTerms).toEqual([]);
    expect(renderWebhookPayload(makeNotice()).data.alert.risingTerms).toBeNull();
  });

  it('uses null, not a missing key, for values that do not apply', () => {
    const p = renderWebhookPayload(makeNotice());
    expect(p.data.alert.acknowledgedAt).toBeNull();
    expect(p.data.alert.resolvedAt).toBeNull();
    expect(p.data.event.fromLevel).toBeNull();
    expect(JSON.parse(JSON.stringify(p)).data.alert).toHaveProperty('acknowledgedBy', null);
  });

  it('links only http(s) evidence URLs and offers the ack link while the alert is open', () => {
    const p = renderWebhookPayload(makeNotice({}, { evidence: [makeEvidence(1), makeEvidence(2, { url: 'javascript:alert(1)' })] }));
    expect(p.data.links.mentions).toEqual([makeEvidence(1).url]);
    expect(p.data.links.ack).toBe('http://127.0.0.1:8787/ack/alert-example-clinic-1?t=token');
    expect(p.data.evidence[1]!.url).toBe('javascript:alert(1)'); // evidence is kept as seen; only links are filtered
    const acked = renderWebhookPayload(makeNotice({ event: 'acknowledged' }, { status: 'acknowledged', acknowledgedAt: EVENT_AT, acknowledgedBy: '林小姐' }));
    expect(acked.data.links.ack).toBeNull();
  });

  it('stays under the size limit by capping evidence, and says how much there was', () => {
    const longTitle = '範例診所醫療糾紛'.repeat(100);
    const evidence = Array.from({ length: 200 }, (_, i) => makeEvidence(i + 1, { title: longTitle }));
    const p = renderWebhookPayload(makeNotice({}, { evidence }));
    expect(Buffer.byteLength(JSON.stringify(p), 'utf8')).toBeLessThanOrEqual(WEBHOOK_PAYLOAD_MAX_BYTES);
    expect(p.data.evidenceTotal).toBe(200);
    expect(p.data.evidence.length).toBeGreaterThan(0);
    expect(p.data.evidence.length).toBeLessThan(200);
    expect(p.data.evidence[0]!.mentionId).toBe('m-001');
    expect(p.data.links.mentions).toHaveLength(p.data.evidence.length);
  });
});
