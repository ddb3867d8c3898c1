import type { CrisisLevel, RiskLevel, SentimentLabel } from '../../core/types';
import type { AlertEventType, AlertStatus } from '../types';

/**
 * The zh-TW words every alert channel uses, in one place so email, webhook summaries and later
 * channels (LINE, Slack) say the same thing. Level meanings paraphrase the grading matrix our users
 * work with (L1 front line, L2 supervisor review, L3 cross-department with legal).
 */

/** Event names as they appear in subjects: `【輿情警示 L3・新警示】`. */
export const EVENT_LABEL: Record<AlertEventType, string> = {
  opened: '新警示',
  upgraded: '升級',
  downgraded: '降級',
  resolved: '已解除',
  acknowledged: '已確認',
  escalated: '逾時升級通報',
  reminder: '紅色時鐘提醒',
};

/** What the recipient is asked to do after each event. */
export const EVENT_ACTION: Record<AlertEventType, string> = {
  opened: '請立即指定單一窗口，並在回應期限前完成第一次回覆；先蒐證、再回應。',
  upgraded: '警示等級已提高，期限已依新等級收緊：請立即依新等級啟動應變並通知相關人員。',
  downgraded: '聲量或風險已下降，請持續追蹤並依目前等級的期限完成處理。',
  resolved: '觸發條件已在冷卻期內不再成立，請完成結案紀錄，並留意是否再次延燒。',
  acknowledged: '此警示已有人確認收到，請依處理期限完成處置並保存紀錄。',
  escalated: '此警示超過期限仍無人確認，依規則升級通報給您：請立即確認並指定負責人（可按下方確認連結）。',
  reminder: '此案件仍未解除：請更新處理進度，並確認能在處理期限前完成；完成後保存紀錄。',
};

/** Short severity name of each level. */
export const LEVEL_NAME: Record<CrisisLevel, string> = { L1: '輕度', L2: '中度', L3: '嚴重' };

/** What each level means for the person reading, in one sentence. */
export const LEVEL_MEANING: Record<CrisisLevel, string> = {
  L1: '低風險、聲量有限的抱怨或零星負評；由前線依 SOP 回覆與補救。',
  L2: '中度風險，或已出現公開的外部聲量；回覆內容須經主管審核。',
  L3: '高風險或敏感議題（醫療糾紛、個資、法規），或在社群與媒體大量擴散；須跨部門與法務介入、高層審核。',
};

/** Alert status as shown to people. */
export const STATUS_LABEL: Record<AlertStatus, string> = { open: '待處理', acknowledged: '已確認', resolved: '已解除' };

/** Sentiment labels of a mention. */
export const SENTIMENT_LABEL: Record<SentimentLabel, string> = { negative: '負面', neutral: '中性', positive: '正面' };

/** The heading of an alert's rising words, wherever they are listed (emails, `yuqing alerts show`). */
export const RISING_TERMS_LABEL = '上升詞（標題，與基準期比）';

/** Topic risk as shown to people. */
export const RISK_LABEL: Record<RiskLevel, string> = { none: '無', low: '低風險', medium: '中風險', high: '高風險' };

/** Names of the variables a level condition (`when`) can use, as a PR lead would say them. */
export const CONDITION_VARIABLE: Record<string, string> = {
  mentions: '窗口內提及數',
  baseline: '基準提及數',
  spikeRatio: '聲量倍數（相對基準）',
  zScore: '偏離基準的標準差數 (z)',
  velocity: '每桶新增提及的成長數',
  pValue: '偶發機率 p 值',
  warm: '基準已建立',
  negative: '負面提及數',
  negativeShare: '負面比例',
  risk: '最高風險等級',
  highRisk: '高風險主題提及數',
  mediumRisk: '中風險以上主題提及數',
};

/** Words for the literals a condition compares against. */
export const CONDITION_LITERAL: Record<string, string> = {
  high: '高',
  medium: '中',
  low: '低',
  none: '無',
  true: '是',
  false: '否',
};
