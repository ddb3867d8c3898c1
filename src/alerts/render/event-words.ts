import { formatDurationZh } from '../../core/duration';
import { alertKind, type AlertNotice, type AlertRecord } from '../types';
import { formatShortLocal, oneLine } from './format';
import { EVENT_ACTION, LEVEL_NAME } from './vocabulary';

/**
 * The sentences that depend on what an alert is about (a crisis, a weekly hot-spot, a source) and
 * on the event (opened … reminder): the headline, the subject's tag and focus, and what to do.
 * Shared by every channel through AlertFacts.
 */

/** The subject's bracketed tag per kind: `【輿情警示 …】`, `【週報熱點 …】`, `【來源異常 …】`. */
export function subjectTag(alert: AlertRecord): string {
  switch (alertKind(alert)) {
    case 'hotspot':
      return '週報熱點';
    case 'source':
      return '來源異常';
    default:
      return '輿情警示';
  }
}

/** What a hot-spot or source alert is about, in a few words (`醫療糾紛 本週 7 則`); undefined for crises. */
export function kindFocus(alert: AlertRecord, topicName: (id: string) => string): string | undefined {
  if (alert.hotspot) return `${topicName(alert.hotspot.topic)} 本週 ${alert.hotspot.count} 則`;
  if (alert.source) return `${oneLine(alert.source.connector, 60)} ${sourceProblemWords(alert.source.problem)}`;
  return undefined;
}

function sourceProblemWords(problem: NonNullable<AlertRecord['source']>['problem']): string {
  return problem === 'blocked' ? '被封鎖' : problem === 'failing' ? '持續抓取失敗' : '沒有新內容';
}

/** The first sentence of a message: what happened, to whom, how bad. */
export function buildHeadline(notice: AlertNotice, ruleName: string): string {
  const { alert } = notice;
  const lv = `${alert.level}（${LEVEL_NAME[alert.level]}）`;
  const what = kindSubject(notice, ruleName);
  // `（L3 嚴重）`: after a name that is already in brackets, one level of parentheses reads better.
  const tag = `（${alert.level} ${LEVEL_NAME[alert.level]}）`;
  switch (notice.event) {
    case 'opened':
      return kindOpenedHeadline(notice, ruleName) ?? `「${ruleName}」出現 ${lv}輿情警示。`;
    case 'upgraded':
      return `${what}由 ${notice.fromLevel ?? '較低等級'} 升級為 ${lv}。`;
    case 'downgraded':
      return `${what}由 ${notice.fromLevel ?? '較高等級'} 降級為 ${lv}。`;
    case 'resolved':
      if (alert.source && notice.eventDetail?.reason === 'connector-removed') return `來源「${oneLine(alert.source.connector, 60)}」已不在設定中（連接器移除或停用），不再監測，${lv}警示一併解除。`;
      if (alert.source && notice.eventDetail?.reason === 'check-disabled') return `來源「${oneLine(alert.source.connector, 60)}」的${alert.source.problem === 'silent' ? '無新項目' : '抓取失敗'}檢查已在設定中關閉（off），${lv}警示一併解除；來源本身不一定已恢復。`;
      if (alert.source) return `來源「${oneLine(alert.source.connector, 60)}」已恢復正常，${lv}警示解除。`;
      if (alert.hotspot) return `${what}${tag}隨該週結束而結案。`;
      return `「${ruleName}」的 ${lv}輿情警示已解除。`;
    case 'acknowledged':
      return `${what}${tag}已由 ${oneLine(alert.acknowledgedBy ?? '（未署名）', 40)} 確認收到。`;
    case 'escalated': {
      const waited = formatDurationZh(notice.eventAt - (alert.awaitingAckSince ?? alert.openedAt));
      return `${what}${tag}已等待確認 ${waited}、超過期限（回應期限 ${formatShortLocal(alert.respondBy, notice.timeZone)}）仍無人確認，依規則升級通報。`;
    }
    case 'reminder': {
      const offset = typeof notice.eventDetail?.offsetMs === 'number' ? notice.eventDetail.offsetMs : notice.eventAt - alert.openedAt;
      return `紅色時鐘 T+${formatDurationZh(offset)}：${what}${tag}自 ${formatShortLocal(alert.openedAt, notice.timeZone)} 開始，至今仍未解除。`;
    }
  }
}

/** What to do now; hot-spots and sources ask for something else than a crisis does. */
export function buildAction(notice: AlertNotice): string {
  const kind = alertKind(notice.alert);
  if (kind === 'hotspot' && notice.event === 'opened') return '同一議題本週已多次出現，可能是系統性問題：請安排小組檢討（週報熱點），找出原因並追蹤改善措施。';
  if (kind === 'source' && notice.event === 'opened') return '請檢查這個來源：網址是否變更、是否被封鎖或限速、連接器設定是否正確。修復前，這個來源的提及不會被監測到。';
  if (kind === 'source' && notice.event === 'resolved' && notice.eventDetail?.reason === 'connector-removed') return '這個來源已不再監測。若不是有意移除，請把連接器檔案放回 connectors/ 並確認 enabled 未設為 false。';
  if (kind === 'source' && notice.event === 'resolved' && notice.eventDetail?.reason === 'check-disabled') return `這項檢查已不再執行，這個來源再出同樣的問題時不會通知。若不是有意關閉，請把設定 detection.sources 的 ${notice.alert.source?.problem === 'silent' ? 'silentAfter' : 'failingAfter'}（或 overrides 中這個來源的同名設定）改回時間長度，例如 1h。`;
  if (kind === 'source' && notice.event === 'resolved') return '來源已恢復抓取，監測照常進行；停擺期間的項目若仍在來源上，會在下次抓取時補進。';
  if (kind === 'hotspot' && notice.event === 'resolved') return '該週已結束；若下週同一議題仍多次出現，會再次提醒。';
  return EVENT_ACTION[notice.event];
}

/** `「範例診所」的輿情警示`, `「範例診所」的週報熱點「醫療糾紛」`, `來源「ptt-facelift」的異常警示`. */
function kindSubject(notice: AlertNotice, ruleName: string): string {
  const { alert } = notice;
  if (alert.source) return `來源「${oneLine(alert.source.connector, 60)}」的異常警示`;
  if (alert.hotspot) return `「${ruleName}」的週報熱點「${oneLine(notice.topics?.[alert.hotspot.topic]?.name ?? alert.hotspot.topic, 40)}」`;
  return `「${ruleName}」的輿情警示`;
}

function kindOpenedHeadline(notice: AlertNotice, ruleName: string): string | undefined {
  const { alert } = notice;
  const lv = `${alert.level}（${LEVEL_NAME[alert.level]}）`;
  if (alert.hotspot) {
    const name = notice.topics?.[alert.hotspot.topic]?.name ?? alert.hotspot.topic;
    return `「${ruleName}」本週「${oneLine(name, 40)}」相關提及已達 ${alert.hotspot.count} 則，超過 ${alert.hotspot.moreThan} 則（${lv}週報熱點）。`;
  }
  if (alert.source) {
    const src = alert.source;
    const name = oneLine(src.connector, 60);
    const since = formatDurationZh(notice.eventAt - src.sinceMs);
    if (src.problem === 'silent') return `來源「${name}」已 ${since} 沒有任何新項目（門檻 ${formatDurationZh(src.thresholdMs)}），可能已失效（${lv}）。`;
    const err = src.lastErrorCode ? `，最後錯誤：${src.lastErrorCode}` : '';
    const how = src.problem === 'blocked' ? '被來源封鎖' : '抓取失敗';
    return `來源「${name}」已連續${how} ${since}（${src.consecutiveFailures} 次${err}）（${lv}）。`;
  }
  return undefined;
}
