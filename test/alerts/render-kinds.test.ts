import { buildAlertFacts } from '../../src/alerts/render/alert-facts';
import { chatSummary, renderChatText } from '../../src/alerts/render/chat-text';
import { describeCondition } from '../../src/alerts/render/condition-words';
import { renderDiscordMessage } from '../../src/alerts/render/discord-message';
import { renderSlackMessage } from '../../src/alerts/render/slack-message';
import { renderTeamsMessage } from '../../src/alerts/render/teams-card';
import { renderEmail } from '../../src/alerts/render/email';
import { renderWebhookPayload } from '../../src/alerts/render/webhook-payload';
import { EVENT_AT, makeEvidence, makeNotice } from '../helpers/alert-fixtures';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('what reminders and escalations say', () => {
  it('a red-clock reminder names the offset, when the alert began and that it is still open', () => {
    const n = makeNotice({ event: 'reminder', eventAt: EVENT_AT + 6 * HOUR, eventDetail: { offsetMs: 6 * HOUR } }, { status: 'acknowledged', acknowledgedAt: EVENT_AT + 5 * MIN, acknowledgedBy: 'pr-lead' });
    const mail = renderEmail(n);
    expect(mail.subject).toMatch(/^【輿情警示 L3・紅色時鐘提醒】範例診所/);
    expect(mail.text).toContain('紅色時鐘 T+6 小時：「範例診所」的輿情警示（L3 嚴重）自 11/21 14:05 開始，至今仍未解除。');
    expect(mail.text).toContain('請更新處理進度');
  });

  it('an escalation says how long it waited, which deadline passed, and asks the new recipient to acknowledge', () => {
    const n = makeNotice({ event: 'escalated', eventAt: EVENT_AT + 15 * MIN, eventDetail: { dueAtMs: EVENT_AT + 15 * MIN } });
    const mail = renderEmail(n);
    expect(mail.subject).toMatch(/^【輿情警示 L3・逾時升級通報】/);
    expect(mail.text).toContain('已等待確認 15 分、超過期限（回應期限 11/21 14:20）仍無人確認，依規則升級通報。');
    expect(mail.text).toContain(`確認收到（Acknowledge）：${n.ackUrl}`);
  });
});

describe('what a weekly hot-spot says', () => {
  const weekStartMs = Date.UTC(2025, 10, 16, 16, 0); // Monday 2025-11-17 00:00 Taipei
  const n = makeNotice({}, { kind: 'hotspot', key: 'hotspot:example-clinic:dispute', level: 'L1', peakLevel: 'L1', reason: 'topic.dispute > 5', hotspot: { topic: 'dispute', weekStartMs, count: 7, moreThan: 5 } });

  it('names the topic, the week’s count and the threshold, and asks for a review', () => {
    const mail = renderEmail(n);
    expect(mail.subject).toMatch(/^【週報熱點 L1・新警示】範例診所：醫療糾紛 本週 7 則（須於/);
    expect(mail.text).toContain('「範例診所」本週「醫療糾紛」相關提及已達 7 則，超過 5 則（L1（輕度）週報熱點）。');
    expect(mail.text).toContain('本週（2025-11-17 起）「醫療糾紛」提及 7 則，超過門檻 5 則');
    expect(mail.text).toContain('請安排小組檢討');
    expect(mail.text).toContain('條件：主題「醫療糾紛」提及數 ＞ 5');
  });

  it('tells webhook receivers the kind, the series and the hot-spot’s numbers; a crisis has null there', () => {
    const p = renderWebhookPayload(n);
    expect(p.data.alert).toMatchObject({ kind: 'hotspot', key: 'hotspot:example-clinic:dispute', hotspot: { topic: 'dispute', count: 7, moreThan: 5, weekStart: new Date(weekStartMs).toISOString() }, source: null, escalatedAt: null });
    expect(renderWebhookPayload(makeNotice()).data.alert).toMatchObject({ kind: 'crisis', key: 'example-clinic', hotspot: null, source: null });
  });
});

describe('what a source alert says', () => {
  const source = { connector: 'ptt-facelift', problem: 'blocked' as const, sinceMs: EVENT_AT - 90 * MIN, thresholdMs: HOUR, consecutiveFailures: 9, lastErrorCode: 'E_HTTP_BLOCKED', lastError: '來源封鎖了我們的請求（HTTP 403 拒絕存取）' };
  const n = makeNotice({}, { kind: 'source', key: 'source:ptt-facelift', ruleId: 'sources', ruleName: '來源健康監測', level: 'L1', peakLevel: 'L1', reason: '連續被封鎖 ≥ 1 小時', source, evidence: [] });

  it('says which source, what is wrong since when, and the last error — and nothing about volume', () => {
    const mail = renderEmail(n);
    expect(mail.subject).toMatch(/^【來源異常 L1・新警示】來源健康監測：ptt-facelift 被封鎖（須於/);
    expect(mail.text).toContain('來源「ptt-facelift」已連續被來源封鎖 1 小時 30 分（9 次，最後錯誤：E_HTTP_BLOCKED）（L1（輕度））。');
    expect(mail.text).toContain('■ 來源狀態');
    expect(mail.text).toContain('最後錯誤：來源封鎖了我們的請求（HTTP 403 拒絕存取）');
    expect(mail.text).not.toContain('■ 聲量');
    expect(mail.html).toContain('來源狀態');
    expect(mail.html).not.toContain('代表性提及');
  });

  it('its chat message lists no words, hot or rising (they are about volume)', () => {
    const s = chatSummary(buildAlertFacts(n));
    expect(s.source).toContain('來源狀態：');
    expect([s.hot, s.rising, s.volume]).toEqual([undefined, undefined, undefined]);
  });

  it('a silent source says how long nothing new came', () => {
    const silent = makeNotice({}, { ...n.alert, source: { ...source, problem: 'silent', sinceMs: EVENT_AT - 4 * 24 * HOUR, thresholdMs: 3 * 24 * HOUR, consecutiveFailures: 0, lastErrorCode: null, lastError: null } });
    expect(renderEmail(silent).text).toContain('來源「ptt-facelift」已 4 天 沒有任何新項目（門檻 3 天），可能已失效');
  });

  it('recovery says the source is back', () => {
    const back = makeNotice({ event: 'resolved', eventAt: EVENT_AT + HOUR }, { ...n.alert, status: 'resolved', resolvedAt: EVENT_AT + HOUR });
    expect(renderEmail(back).text).toContain('來源「ptt-facelift」已恢復正常，L1（輕度）警示解除。');
  });
});

describe('chat text', () => {
  it('keeps the subject, headline, deadlines and ack link, and drops samples first when it must be short', () => {
    const many = makeNotice({}, { evidence: Array.from({ length: 5 }, (_, i) => makeEvidence(i + 1, { title: '很長的標題'.repeat(40) })) });
    const s = chatSummary(buildAlertFacts(many), 5);
    const full = renderChatText(s, 5000);
    expect(full).toContain('代表性提及：');
    const short = renderChatText(s, 600);
    expect(Array.from(short).length).toBeLessThanOrEqual(600);
    expect(short).toContain('【輿情警示 L3・新警示】');
    expect(short).toContain('回應期限 2025-11-21 14:20');
    expect(short).toContain(`確認收到：${many.ackUrl}`);
    expect(short.split('很長的標題').length).toBeLessThan(full.split('很長的標題').length);
  });
});

describe('rising words in chat messages', () => {
  it('lists the words that rose, when any did, beside the topics; none of it when none were looked for or none rose', () => {
    const risingTerms = [{ term: '毀容', count: 5, expected: 0.025 }, { term: '退費', count: 3, expected: 0.4 }];
    const s = chatSummary(buildAlertFacts(makeNotice({}, { drivers: { topTerms: [], topSources: [], risingTerms } })));
    expect(s.rising).toBe('上升詞：毀容 5、退費 3');
    expect(renderChatText(s)).toContain('上升詞：毀容 5、退費 3');
    expect(renderDiscordMessage(buildAlertFacts(makeNotice({}, { drivers: { topTerms: [], topSources: [], risingTerms } })), new Date(EVENT_AT).toISOString()).embeds[0]!.fields).toContainEqual({ name: '上升詞', value: '毀容 5、退費 3' });
    const facts = buildAlertFacts(makeNotice({}, { drivers: { topTerms: [], topSources: [], risingTerms } }));
    expect(JSON.stringify(renderSlackMessage(facts))).toContain('上升詞：毀容 5、退費 3');
    expect(JSON.stringify(renderTeamsMessage(facts))).toContain('上升詞：毀容 5、退費 3');
    expect(chatSummary(buildAlertFacts(makeNotice({}, { drivers: { topTerms: [], topSources: [], risingTerms: [] } }))).rising).toBeUndefined();
    expect(renderChatText(chatSummary(buildAlertFacts(makeNotice())))).not.toContain('上升詞');
  });
});

describe('hot words in chat messages', () => {
  it('lists the words matched most, before the rising ones, on every chat channel; nothing when there are none', () => {
    const risingTerms = [{ term: '毀容', count: 5, expected: 0.025 }];
    const facts = buildAlertFacts(makeNotice({}, { drivers: { topTerms: [], topSources: [], risingTerms } }));
    const text = renderChatText(chatSummary(facts));
    expect(text).toContain('熱門詞：醫療糾紛 6、提告 3\n上升詞：毀容 5');
    const fields = renderDiscordMessage(facts, new Date(EVENT_AT).toISOString()).embeds[0]!.fields as Array<{ name: string; value: string }>;
    expect(fields).toContainEqual({ name: '熱門詞', value: '醫療糾紛 6、提告 3' });
    expect(fields.map((f) => f.name).indexOf('熱門詞')).toBe(fields.map((f) => f.name).indexOf('上升詞') - 1);
    expect(JSON.stringify(renderSlackMessage(facts))).toContain('熱門詞：醫療糾紛 6、提告 3');
    expect(JSON.stringify(renderTeamsMessage(facts))).toContain('熱門詞：醫療糾紛 6、提告 3');
    expect(chatSummary(buildAlertFacts(makeNotice({ topTerms: [] }))).hot).toBeUndefined();
    expect(renderChatText(chatSummary(buildAlertFacts(makeNotice({ topTerms: [] }))))).not.toContain('熱門詞');
  });
});

describe('describeCondition', () => {
  it('reads topic.<id> and its volume fields with the topic’s name, and keeps words written in Chinese together', () => {
    expect(describeCondition('topic.dispute.spikeRatio >= 3 or topic.service > 4 or zScore >= 4', { dispute: '醫療糾紛', service: '服務客訴' })).toBe(
      '主題「醫療糾紛」聲量倍數 ≥ 3 或 主題「服務客訴」提及數 ＞ 4 或 偏離基準的標準差數 (z) ≥ 4',
    );
    expect(describeCondition('連續失敗 ≥ 1 小時')).toBe('連續失敗 ≥ 1 小時');
  });
});
