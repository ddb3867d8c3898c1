import { formatLocal } from '../../core/time';
import { RISK_ORDER, type CrisisLevel, type RiskLevel, type SentimentLabel } from '../../core/types';
import { formatDurationZh } from '../../core/duration';
import { alertKind, type AlertEventType, type AlertKind, type AlertNotice, type AlertStatus, type EvidenceItem } from '../types';
import { describeCondition } from './condition-words';
import { formatDecimal, formatExpected, formatIsoLocal, formatPercent, formatShortLocal, formatSpanLocal, formatTimeLeft, oneLine } from './format';
import { httpUrlOrUndefined } from './html-escape';
import { buildAction, buildHeadline, kindFocus, subjectTag } from './event-words';
import { EVENT_LABEL, LEVEL_MEANING, LEVEL_NAME, RISK_LABEL, SENTIMENT_LABEL, STATUS_LABEL } from './vocabulary';

/**
 * Everything an alert message says, as plain (unescaped) strings and numbers, built once from an
 * AlertNotice and rendered by each channel (email text, email HTML, chat summaries). Channels
 * decide layout and escaping; they never recompute a fact, so every channel says the same thing.
 */
export interface AlertFacts {
  /** `【輿情警示 L3・新警示】範例診所：醫療糾紛（須於 11/21 14:20 前回應）`, one line. */
  subject: string;
  /** The first sentence of the message: what happened, to whom, how bad. */
  headline: string;
  /** `王經理 您好：` */
  greeting: string;
  event: { type: AlertEventType; label: string; at: string; fromLevel?: CrisisLevel; toLevel: CrisisLevel; action: string };
  /** What the alert is about: a crisis (volume/risk), a weekly hot-spot, or a source. */
  kind: AlertKind;
  /** A source alert's facts, in words. */
  source?: { connector: string; problem: string; since: string; threshold: string; failures: number; lastErrorCode: string | null; lastError: string | null };
  /** A hot-spot's facts. */
  hotspot?: { topic: string; count: number; moreThan: number; weekStart: string };
  level: { code: CrisisLevel; name: string; meaning: string; peak: CrisisLevel };
  status: { code: AlertStatus; label: string; detail?: string };
  rule: { id: string; name: string; version: string };
  /** The condition that held, in words and as written in the rule file. */
  reason: { words: string; written: string };
  volume: {
    mentions: number;
    /** Expected mentions per window from the baseline period, one decimal. */
    baseline: string;
    /** `3.2 倍`, or a note while the baseline is still being built. */
    spikeRatio: string;
    /** The window in local time, `2025-11-21 13:05 – 14:05`. */
    window: string;
    /** `1 小時`. */
    windowLength: string;
    warm: boolean;
  };
  negative: { count: number; total: number; share: string };
  /** Topics hit in the window, highest risk first, then most mentions. */
  riskTopics: Array<{ id: string; name: string; risk: RiskLevel; riskLabel: string; count: number }>;
  topTerms: Array<{ term: string; count: number }>;
  /**
   * Words of the titles that rose most against the baseline (`expected`: mentions the baseline's rate
   * predicts, as {@link formatExpected} writes it); undefined when not looked for (hot-spot and source alerts, or turned off).
   */
  risingTerms: Array<{ term: string; count: number; expected: string }> | undefined;
  topSources: Array<{ site: string; count: number }>;
  deadlines: DeadlineFact[];
  /** The time "time left" is measured from, local. */
  asOf: string;
  /** The ack link, only when it is an http(s) URL and the alert still awaits acknowledgement. */
  ackUrl: string | undefined;
  samples: SampleFact[];
  evidence: EvidenceFact[];
  /** Evidence items not listed because of the cap (they stay in the store and the webhook payload). */
  evidenceOmitted: number;
  footer: { alertId: string; idempotencyKey: string; ruleId: string; ruleVersion: string; timeZone: string; eventAt: string };
}

/** One SLA deadline and where the alert stands against it. */
export interface DeadlineFact {
  kind: 'respond' | 'resolve';
  /** 回應期限 / 處理期限 */
  label: string;
  /** Local time. */
  at: string;
  /** `尚餘 15 分`, `已逾時 5 分`, `已於 14:10 確認`, `已於 18:00 解除`. */
  state: string;
  overdue: boolean;
}

/** A sample mention to read first (negative and topic-hitting ones lead). */
export interface SampleFact {
  mentionId: string;
  title: string;
  /** Only http(s) URLs; anything else is in `rawUrl` and must not become a link. */
  url: string | undefined;
  rawUrl: string;
  site: string;
  publishedAt: string;
  sentiment: SentimentLabel;
  sentimentLabel: string;
  topics: string[];
}

/** One row of the evidence table: enough to find and verify the mention later. */
export interface EvidenceFact {
  mentionId: string;
  url: string | undefined;
  rawUrl: string;
  contentSha256: string;
  /** Local time, and the stored ISO value (the evidence-grade one). */
  fetchedAt: string;
  fetchedAtIso: string;
}

/** Knobs of {@link buildAlertFacts}; all optional. */
export interface AlertFactsOptions {
  /** When "time left" is measured from (epoch ms). Default: the event time. Notifiers pass the send time. */
  nowMs?: number;
  /** Sample mentions shown (default 5). */
  maxSamples?: number;
  /** Evidence rows listed (default 50); the rest are counted in `evidenceOmitted`. */
  maxEvidence?: number;
  /** Top terms / sources listed (default 10 each). */
  maxTop?: number;
}

/**
 * Build the facts of one notice. Pure: the same notice and options give the same facts.
 * Outside strings are flattened to one line (no control characters) but not escaped.
 */
export function buildAlertFacts(notice: AlertNotice, options: AlertFactsOptions = {}): AlertFacts {
  const { alert, timeZone: tz } = notice;
  const nowMs = options.nowMs ?? notice.eventAt;
  const maxTop = options.maxTop ?? 10;
  const topicNames = topicNameMap(notice);
  const ruleName = oneLine(alert.ruleName, 80);
  const riskTopics = buildRiskTopics(notice, topicNames);

  const deadlines = buildDeadlines(notice, nowMs);
  const evidenceCap = options.maxEvidence ?? 50;
  const level = alert.level;

  const facts: AlertFacts = {
    subject: '',
    headline: buildHeadline(notice, ruleName),
    greeting: `${oneLine(notice.recipient.name ?? notice.recipient.id, 40)} 您好：`,
    event: {
      type: notice.event,
      label: EVENT_LABEL[notice.event],
      at: formatLocal(notice.eventAt, tz),
      ...(notice.fromLevel ? { fromLevel: notice.fromLevel } : {}),
      toLevel: level,
      action: buildAction(notice),
    },
    kind: alertKind(alert),
    ...(alert.source
      ? {
          source: {
            connector: oneLine(alert.source.connector, 60),
            problem: alert.source.problem === 'blocked' ? '被來源封鎖 (blocked)' : alert.source.problem === 'failing' ? '抓取持續失敗 (failing)' : '沒有新內容 (silent)',
            since: formatLocal(alert.source.sinceMs, tz),
            threshold: formatDurationZh(alert.source.thresholdMs),
            failures: alert.source.consecutiveFailures,
            lastErrorCode: alert.source.lastErrorCode,
            lastError: alert.source.lastError === null ? null : oneLine(alert.source.lastError, 300),
          },
        }
      : {}),
    ...(alert.hotspot
      ? { hotspot: { topic: topicNames[alert.hotspot.topic] ?? alert.hotspot.topic, count: alert.hotspot.count, moreThan: alert.hotspot.moreThan, weekStart: formatLocal(alert.hotspot.weekStartMs, tz).slice(0, 10) } }
      : {}),
    level: { code: level, name: LEVEL_NAME[level], meaning: LEVEL_MEANING[level], peak: alert.peakLevel },
    status: buildStatus(notice),
    rule: { id: alert.ruleId, name: ruleName, version: alert.ruleVersion },
    reason: { words: describeCondition(alert.reason, topicNames), written: oneLine(alert.reason, 500) },
    volume: {
      mentions: alert.signal.mentions,
      baseline: formatDecimal(alert.signal.baseline),
      // A warm signal with ratio 0 is below the rule's minimum volume: too few mentions to call a ratio.
      spikeRatio: !alert.signal.warm ? '基準建立中（暖機期，尚無倍數）' : alert.signal.spikeRatio > 0 ? `${formatDecimal(alert.signal.spikeRatio)} 倍` : '提及數未達門檻，不計倍數',
      window: formatSpanLocal(alert.signal.windowStart, alert.signal.windowEnd, tz),
      windowLength: formatWindowLength(alert.signal.windowEnd - alert.signal.windowStart),
      warm: alert.signal.warm,
    },
    negative: { count: alert.signal.negative, total: alert.signal.mentions, share: formatPercent(alert.signal.negativeShare) },
    riskTopics,
    topTerms: notice.topTerms.slice(0, maxTop).map((t) => ({ term: oneLine(t.term, 40), count: t.count })),
    risingTerms: alert.drivers?.risingTerms?.slice(0, maxTop).map((t) => ({ term: oneLine(t.term, 40), count: t.count, expected: formatExpected(t.expected) })),
    topSources: notice.topSources.slice(0, maxTop).map((s) => ({ site: oneLine(s.site, 60), count: s.count })),
    deadlines,
    asOf: formatLocal(nowMs, tz),
    ackUrl: alert.status === 'open' ? httpUrlOrUndefined(notice.ackUrl) : undefined,
    samples: pickSamples(alert.evidence, options.maxSamples ?? 5).map((e) => sampleFact(e, tz, topicNames)),
    evidence: alert.evidence.slice(0, evidenceCap).map((e) => evidenceFact(e, tz)),
    evidenceOmitted: Math.max(0, alert.evidence.length - evidenceCap),
    footer: {
      alertId: alert.id,
      idempotencyKey: notice.idempotencyKey,
      ruleId: alert.ruleId,
      ruleVersion: alert.ruleVersion,
      timeZone: tz,
      eventAt: formatLocal(notice.eventAt, tz),
    },
  };
  facts.subject = buildSubject(notice, ruleName, riskTopics, deadlines);
  return facts;
}

/** `毀容 ×5（預期 0.3）、退費 ×4（預期 0.5）`, or a note when no word rose. */
export function risingText(terms: NonNullable<AlertFacts['risingTerms']>): string {
  return terms.length ? terms.map((t) => `${t.term} ×${t.count}（預期 ${t.expected}）`).join('、') : '（無明顯上升的詞）';
}

function topicNameMap(notice: AlertNotice): Record<string, string> {
  const names: Record<string, string> = {};
  for (const [id, t] of Object.entries(notice.topics ?? {})) if (t.name) names[id] = oneLine(t.name, 40);
  return names;
}

function buildRiskTopics(notice: AlertNotice, names: Record<string, string>): AlertFacts['riskTopics'] {
  return Object.entries(notice.alert.signal.topics)
    .filter(([, count]) => count > 0)
    .map(([id, count]) => {
      const risk: RiskLevel = notice.topics?.[id]?.risk ?? 'none';
      return { id, name: names[id] ?? id, risk, riskLabel: risk === 'none' ? '風險未標示' : RISK_LABEL[risk], count };
    })
    .sort((a, b) => RISK_ORDER[b.risk] - RISK_ORDER[a.risk] || b.count - a.count || a.id.localeCompare(b.id));
}

function buildStatus(notice: AlertNotice): AlertFacts['status'] {
  const { alert, timeZone: tz } = notice;
  const base = { code: alert.status, label: STATUS_LABEL[alert.status] };
  if (alert.status === 'acknowledged' && alert.acknowledgedAt !== undefined) {
    const by = oneLine(alert.acknowledgedBy ?? '（未署名）', 40);
    const note = alert.ackNote ? `，備註：${oneLine(alert.ackNote, 200)}` : '';
    return { ...base, detail: `由 ${by} 於 ${formatLocal(alert.acknowledgedAt, tz)} 確認${note}` };
  }
  if (alert.status === 'resolved' && alert.resolvedAt !== undefined) return { ...base, detail: `於 ${formatLocal(alert.resolvedAt, tz)} 解除` };
  return base;
}

function buildDeadlines(notice: AlertNotice, nowMs: number): DeadlineFact[] {
  const { alert, timeZone: tz } = notice;
  const respondLeft = formatTimeLeft(alert.respondBy, nowMs);
  const resolveLeft = formatTimeLeft(alert.resolveBy, nowMs);
  let respond = { state: respondLeft.text, overdue: respondLeft.overdue };
  if (alert.acknowledgedAt !== undefined) {
    // Once acknowledged the respond clock stops: say when, and whether it was in time.
    const late = alert.acknowledgedAt > alert.respondBy;
    respond = { state: `已於 ${formatShortLocal(alert.acknowledgedAt, tz)} 確認${late ? '（逾時）' : ''}`, overdue: late };
  } else if (alert.status === 'resolved') {
    respond = { state: '未經確認即解除', overdue: false };
  }
  let resolve = { state: resolveLeft.text, overdue: resolveLeft.overdue };
  if (alert.status === 'resolved') {
    const at = alert.resolvedAt ?? notice.eventAt;
    const late = at > alert.resolveBy;
    resolve = { state: `已於 ${formatShortLocal(at, tz)} 解除${late ? '（逾時）' : ''}`, overdue: late };
  }
  return [
    { kind: 'respond', label: '回應期限', at: formatLocal(alert.respondBy, tz), ...respond },
    { kind: 'resolve', label: '處理期限', at: formatLocal(alert.resolveBy, tz), ...resolve },
  ];
}

function buildSubject(notice: AlertNotice, ruleName: string, riskTopics: AlertFacts['riskTopics'], deadlines: DeadlineFact[]): string {
  const { alert, timeZone: tz } = notice;
  const levelTag = (notice.event === 'upgraded' || notice.event === 'downgraded') && notice.fromLevel ? `${notice.fromLevel}→${alert.level}` : alert.level;
  const tag = `【${subjectTag(alert)} ${levelTag}・${EVENT_LABEL[notice.event]}】`;

  // What it is about, in the fewest words: the hot-spot or source, else the riskiest topic, else the volume.
  const focus =
    kindFocus(alert, (id) => notice.topics?.[id]?.name ?? id) ??
    riskTopics[0]?.name ??
    (alert.signal.warm && alert.signal.spikeRatio > 0 ? `聲量 ${formatDecimal(alert.signal.spikeRatio)} 倍` : `提及 ${alert.signal.mentions} 則`);

  let clause: string;
  if (alert.status === 'resolved') {
    clause = `已於 ${formatShortLocal(alert.resolvedAt ?? notice.eventAt, tz)} 解除`;
  } else if (alert.status === 'acknowledged') {
    clause = `已確認，須於 ${formatShortLocal(alert.resolveBy, tz)} 前處理完畢`;
  } else {
    clause = deadlines[0]!.overdue ? `回應已逾時，期限 ${formatShortLocal(alert.respondBy, tz)}` : `須於 ${formatShortLocal(alert.respondBy, tz)} 前回應`;
  }
  return oneLine(`${tag}${ruleName}：${focus}（${clause}）`, 160);
}

function formatWindowLength(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes % 1440 === 0) return `${minutes / 1440} 天`;
  if (minutes % 60 === 0) return `${minutes / 60} 小時`;
  return minutes >= 60 ? `${Math.floor(minutes / 60)} 小時 ${minutes % 60} 分` : `${minutes} 分`;
}

/** Negative first, then mentions hitting topics, then newest: the ones a PR lead must read first. */
function pickSamples(evidence: EvidenceItem[], max: number): EvidenceItem[] {
  const neg = (e: EvidenceItem): number => (e.sentiment === 'negative' ? 1 : 0);
  const time = (e: EvidenceItem): number => Date.parse(e.publishedAt) || 0;
  return [...evidence].sort((a, b) => neg(b) - neg(a) || b.topics.length - a.topics.length || time(b) - time(a)).slice(0, max);
}

function sampleFact(e: EvidenceItem, tz: string, topicNames: Record<string, string>): SampleFact {
  return {
    mentionId: e.mentionId,
    title: oneLine(e.title, 120) || '（無標題）',
    url: httpUrlOrUndefined(e.url),
    rawUrl: oneLine(e.url, 500),
    site: oneLine(e.site, 60),
    publishedAt: formatIsoLocal(e.publishedAt, tz),
    sentiment: e.sentiment,
    sentimentLabel: SENTIMENT_LABEL[e.sentiment] ?? e.sentiment,
    topics: e.topics.map((t) => topicNames[t] ?? t),
  };
}

function evidenceFact(e: EvidenceItem, tz: string): EvidenceFact {
  return {
    mentionId: e.mentionId,
    url: httpUrlOrUndefined(e.url),
    rawUrl: oneLine(e.url, 500),
    contentSha256: e.contentSha256,
    fetchedAt: formatIsoLocal(e.fetchedAt, tz),
    fetchedAtIso: e.fetchedAt,
  };
}
