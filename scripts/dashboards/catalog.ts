import type { SavedObject } from '../../src/dashboards/saved-object';
import { col, dashboard, dataView, lens, metric, table, xy } from './lens';

/**
 * Everything in `dashboards/yuqing.ndjson`: two data views, the Lens visualizations, and two
 * dashboards (輿情總覽 overview, 事件調查 incident drill-down). Ids are fixed: they are listed in
 * `dashboards/stable-ids.json` and must never change. Field names follow the committed mappings
 * (`src/store/elasticsearch/mappings/`); `yuqing dashboards check` verifies them.
 *
 * Regenerate with `npx tsx scripts/dashboards/build.ts` (a test fails when the file and this
 * catalogue disagree).
 */

const MENTIONS = 'yuqing-mentions';
const ALERTS = 'yuqing-alerts';
const NEGATIVE = 'sentiment.label : "negative"';

const mentionsView = dataView({
  id: MENTIONS,
  title: 'yuqing-mentions-*',
  name: '輿情提及 (yuqing-mentions)',
  timeFieldName: 'at',
  labels: {
    at: '時間',
    publishedAt: '發布時間',
    fetchedAt: '擷取時間',
    title: '標題',
    'title.keyword': '標題',
    body: '內文',
    site: '網站',
    connector: '連接器',
    sourceType: '來源種類',
    author: '作者',
    'author.keyword': '作者',
    url: '網址',
    ruleIds: '規則',
    ruleId: '規則',
    topicIds: '議題',
    terms: '命中詞',
    risk: '風險',
    'sentiment.label': '情緒',
    'sentiment.score': '情緒分數',
    contentSha256: '內容雜湊 (SHA-256)',
    lang: '語言',
  },
  links: ['url'],
  // The alerts index names a rule `ruleId`; the same name here lets one control filter both.
  runtime: { ruleId: { type: 'keyword', source: "for (def v : doc['ruleIds']) { emit(v); }" } },
});

const alertsView = dataView({
  id: ALERTS,
  title: 'yuqing-alerts',
  name: '輿情警示 (yuqing-alerts)',
  timeFieldName: 'at',
  labels: {
    at: '時間',
    kind: '文件種類',
    alertId: '警示編號',
    ruleId: '規則',
    'ruleName.keyword': '規則名稱',
    level: '等級',
    levelRank: '等級數值',
    peakLevel: '最高等級',
    status: '狀態',
    type: '事件',
    openedAt: '開始時間',
    respondBy: '回應期限',
    resolveBy: '處理期限',
    acknowledgedBy: '確認者',
    'reason.keyword': '觸發條件',
    topicIds: '議題',
    'evidence.url': '證據網址',
    'evidence.title.keyword': '證據標題',
    'delivery.channel': '通道',
    'delivery.outcome': '投遞結果',
    risingTerms: '上升詞',
  },
  links: ['evidence.url'],
  // The mentions index names topics `topicIds`; the same name here lets one control filter both.
  runtime: { topicIds: { type: 'keyword', source: "for (def v : doc['evidence.topics']) { emit(v); }" } },
});

const lenses: SavedObject[] = [
  lens({
    id: 'yuqing-lens-mention-totals',
    title: '負面提及／全部提及',
    description: '時間範圍內的負面提及數，下方為全部提及數。',
    dataView: MENTIONS,
    columns: [
      ['negative', col.count('負面提及', NEGATIVE)],
      ['all', col.count('全部提及')],
    ],
    visualizationType: 'lnsMetric',
    visualization: metric('negative', 'all'),
  }),
  lens({
    id: 'yuqing-lens-open-alerts',
    title: '待處理警示',
    description: '時間範圍內有更新、尚未確認的警示數；下方為已確認但未解除的數量。',
    dataView: ALERTS,
    query: 'kind : "alert"',
    columns: [
      ['open', col.uniqueCount('待處理（未確認）', 'alertId', 'status : "open"')],
      ['acked', col.uniqueCount('已確認未解除', 'alertId', 'status : "acknowledged"')],
    ],
    visualizationType: 'lnsMetric',
    visualization: metric('open', 'acked'),
  }),
  lens({
    id: 'yuqing-lens-volume-by-rule',
    title: '提及聲量（依規則與情緒）',
    description: '每個時間區間的提及數，依規則與情緒（負面／中性／正面）分色。',
    dataView: MENTIONS,
    columns: [
      ['x', col.dateHistogram('時間')],
      ['split', col.terms('規則 › 情緒', 'ruleIds', { size: 12, orderBy: 'y', secondary: ['sentiment.label'] })],
      ['y', col.count('提及數')],
    ],
    visualizationType: 'lnsXY',
    visualization: xy('bar_stacked', 'x', ['y'], 'split'),
  }),
  lens({
    id: 'yuqing-lens-negative-share',
    title: '情緒比例（負面比例）',
    description: '每個時間區間內負面、中性、正面提及所占的比例。',
    dataView: MENTIONS,
    columns: [
      ['x', col.dateHistogram('時間')],
      ['split', col.terms('情緒', 'sentiment.label', { size: 3, orderBy: 'y' })],
      ['y', col.count('提及比例')],
    ],
    visualizationType: 'lnsXY',
    visualization: xy('bar_percentage_stacked', 'x', ['y'], 'split'),
  }),
  lens({
    id: 'yuqing-lens-crisis-timeline',
    title: '危機等級時間軸',
    description: '每則警示事件當下的等級（1 = L1 輕度、2 = L2 中度、3 = L3 嚴重），依規則分線。',
    dataView: ALERTS,
    query: 'kind : "event"',
    columns: [
      ['x', col.dateHistogram('時間')],
      ['split', col.terms('規則', 'ruleName.keyword', { size: 10, orderBy: 'y' })],
      ['y', col.max('等級（1=L1、2=L2、3=L3）', 'levelRank', 'number')],
    ],
    visualizationType: 'lnsXY',
    visualization: xy('line', 'x', ['y'], 'split', { fittingFunction: 'Carry', curveType: 'CURVE_STEP_AFTER', yLeftExtent: { mode: 'custom', lowerBound: 0, upperBound: 3 } }),
  }),
  lens({
    id: 'yuqing-lens-alert-events',
    title: '警示事件（依等級）',
    description: '開啟、升級、降級、確認、逾時升級、提醒與解除等事件的數量，依事件當下的等級分色。',
    dataView: ALERTS,
    query: 'kind : "event"',
    columns: [
      ['x', col.dateHistogram('時間')],
      ['split', col.terms('等級', 'level', { size: 3, orderBy: 'y' })],
      ['y', col.count('事件數')],
    ],
    visualizationType: 'lnsXY',
    visualization: xy('bar_stacked', 'x', ['y'], 'split'),
  }),
  lens({
    id: 'yuqing-lens-top-sites',
    title: '主要網站',
    description: '提及數最多的網站。',
    dataView: MENTIONS,
    columns: [
      ['x', col.terms('網站', 'site', { size: 10, orderBy: 'y' })],
      ['y', col.count('提及數')],
    ],
    visualizationType: 'lnsXY',
    visualization: xy('bar_horizontal', 'x', ['y']),
  }),
  lens({
    id: 'yuqing-lens-sources',
    title: '主要來源（連接器與來源種類）',
    description: '提及數最多的連接器，依來源種類（新聞、論壇、RSS…）分色。',
    dataView: MENTIONS,
    columns: [
      ['x', col.terms('連接器', 'connector', { size: 10, orderBy: 'y' })],
      ['split', col.terms('來源種類', 'sourceType', { size: 5, orderBy: 'y' })],
      ['y', col.count('提及數')],
    ],
    visualizationType: 'lnsXY',
    visualization: xy('bar_horizontal_stacked', 'x', ['y'], 'split'),
  }),
  lens({
    id: 'yuqing-lens-top-authors',
    title: '主要作者',
    description: '發文最多的作者（來源提供作者時）。',
    dataView: MENTIONS,
    columns: [
      ['x', col.terms('作者', 'author.keyword', { size: 10, orderBy: 'y' })],
      ['y', col.count('提及數')],
    ],
    visualizationType: 'lnsXY',
    visualization: xy('bar_horizontal', 'x', ['y']),
  }),
  lens({
    id: 'yuqing-lens-newest-negative',
    title: '最新負面提及',
    description: '最新的負面提及，網址可點開原文。',
    dataView: MENTIONS,
    query: NEGATIVE,
    columns: [
      ['url', col.terms('網址', 'url', { size: 30, orderBy: 'time' })],
      ['time', col.max('時間', 'at', 'date')],
      ['title', col.lastValue('標題', 'title.keyword', 'string')],
      ['site', col.lastValue('網站', 'site', 'string')],
      ['rules', col.lastValue('規則', 'ruleIds', 'string')],
      ['score', col.min('情緒分數', 'sentiment.score', 'number')],
    ],
    visualizationType: 'lnsDatatable',
    visualization: table(['time', 'title', 'site', 'url', 'rules', 'score'], 'time'),
  }),
  lens({
    id: 'yuqing-lens-topics',
    title: '風險議題提及數',
    description: '命中各風險議題（醫療糾紛、個資、服務抱怨…）的提及數。',
    dataView: MENTIONS,
    columns: [
      ['x', col.dateHistogram('時間')],
      ['split', col.terms('議題', 'topicIds', { size: 10, orderBy: 'y' })],
      ['y', col.count('提及數')],
    ],
    visualizationType: 'lnsXY',
    visualization: xy('bar_stacked', 'x', ['y'], 'split'),
  }),
  lens({
    id: 'yuqing-lens-alert-list',
    title: '警示清單',
    description: '時間範圍內有更新的警示：等級、狀態、回應與處理期限。點選警示編號可篩選。',
    dataView: ALERTS,
    query: 'kind : "alert"',
    columns: [
      ['alert', col.terms('警示編號', 'alertId', { size: 50, orderBy: 'opened' })],
      ['opened', col.max('開始時間', 'openedAt', 'date')],
      ['rule', col.lastValue('規則', 'ruleName.keyword', 'string')],
      ['level', col.lastValue('等級', 'level', 'string')],
      ['status', col.lastValue('狀態', 'status', 'string')],
      ['respond', col.max('回應期限', 'respondBy', 'date')],
      ['resolve', col.max('處理期限', 'resolveBy', 'date')],
      ['ackBy', col.lastValue('確認者', 'acknowledgedBy', 'string')],
      ['reason', col.lastValue('觸發條件', 'reason.keyword', 'string')],
    ],
    visualizationType: 'lnsDatatable',
    visualization: table(['alert', 'opened', 'rule', 'level', 'status', 'respond', 'resolve', 'ackBy', 'reason'], 'opened'),
  }),
  lens({
    id: 'yuqing-lens-window-mentions',
    title: '窗口內的提及（證據）',
    description: '時間範圍內的提及：把時間設為警示開始前後，即是該警示的證據，含內容雜湊與擷取時間。',
    dataView: MENTIONS,
    columns: [
      ['url', col.terms('網址', 'url', { size: 100, orderBy: 'time' })],
      ['time', col.max('時間', 'at', 'date')],
      ['title', col.lastValue('標題', 'title.keyword', 'string')],
      ['site', col.lastValue('網站', 'site', 'string')],
      ['sentiment', col.lastValue('情緒', 'sentiment.label', 'string')],
      ['sha', col.lastValue('內容雜湊 (SHA-256)', 'contentSha256', 'string')],
      ['fetched', col.max('擷取時間', 'fetchedAt', 'date')],
    ],
    visualizationType: 'lnsDatatable',
    visualization: table(['time', 'title', 'site', 'sentiment', 'url', 'sha', 'fetched'], 'time'),
  }),
  lens({
    id: 'yuqing-lens-alert-evidence',
    title: '警示證據連結',
    description: '警示引用的原文網址（警示建立時一併保存，舊的提及索引刪除後仍在）。',
    dataView: ALERTS,
    query: 'kind : "alert"',
    columns: [
      ['url', col.terms('證據網址', 'evidence.url', { size: 100, orderBy: 'alerts' })],
      ['alerts', col.uniqueCount('引用的警示數', 'alertId')],
      ['updated', col.max('警示最後更新', 'at', 'date')],
    ],
    visualizationType: 'lnsDatatable',
    visualization: table(['url', 'alerts', 'updated'], 'alerts'),
  }),
  lens({
    id: 'yuqing-lens-deliveries',
    title: '通知投遞結果',
    description: '每則通知最後的投遞結果（已送達／失敗），依通道區分。',
    dataView: ALERTS,
    query: 'kind : "delivery"',
    columns: [
      ['x', col.dateHistogram('時間')],
      ['split', col.terms('結果 › 通道', 'delivery.outcome', { size: 10, orderBy: 'y', secondary: ['delivery.channel'] })],
      ['y', col.count('通知數')],
    ],
    visualizationType: 'lnsXY',
    visualization: xy('bar_stacked', 'x', ['y'], 'split'),
  }),
  lens({
    id: 'yuqing-lens-rising-terms',
    title: '警示上升詞',
    description: '危機警示開啟或升級時，窗口內提及標題中比基準期明顯變多的詞（每則事件計一次）。',
    dataView: ALERTS,
    query: 'kind : "event" and (type : "opened" or type : "upgraded")',
    columns: [
      ['x', col.terms('上升詞', 'risingTerms', { size: 15, orderBy: 'y' })],
      ['y', col.count('警示事件數')],
    ],
    visualizationType: 'lnsXY',
    visualization: xy('bar_horizontal', 'x', ['y']),
  }),
];

const overview = dashboard({
  id: 'yuqing-dashboard-overview',
  title: '輿情總覽',
  description: '提及聲量（依規則與情緒）、負面比例、危機等級時間軸、主要網站／來源／作者與最新負面提及。',
  timeFrom: 'now-7d',
  panels: [
    { lens: 'yuqing-lens-mention-totals', x: 0, y: 0, w: 12, h: 8 },
    { lens: 'yuqing-lens-open-alerts', x: 12, y: 0, w: 12, h: 8 },
    { lens: 'yuqing-lens-negative-share', x: 24, y: 0, w: 24, h: 8 },
    { lens: 'yuqing-lens-volume-by-rule', x: 0, y: 8, w: 48, h: 14 },
    { lens: 'yuqing-lens-crisis-timeline', x: 0, y: 22, w: 48, h: 12 },
    { lens: 'yuqing-lens-top-sites', x: 0, y: 34, w: 16, h: 12 },
    { lens: 'yuqing-lens-sources', x: 16, y: 34, w: 16, h: 12 },
    { lens: 'yuqing-lens-top-authors', x: 32, y: 34, w: 16, h: 12 },
    { lens: 'yuqing-lens-newest-negative', x: 0, y: 46, w: 48, h: 16 },
  ],
});

const incident = dashboard({
  id: 'yuqing-dashboard-incident',
  title: '事件調查',
  description: '一則警示前後的時間窗：以上方控制項選規則、等級、議題與來源種類，把時間範圍設為警示開始前後，下方即是證據。',
  timeFrom: 'now-48h',
  controls: [
    { id: 'yuqing-ctl-rule', title: '規則', dataView: ALERTS, field: 'ruleId' },
    { id: 'yuqing-ctl-level', title: '等級', dataView: ALERTS, field: 'level' },
    { id: 'yuqing-ctl-topic', title: '議題', dataView: MENTIONS, field: 'topicIds' },
    { id: 'yuqing-ctl-source-type', title: '來源種類', dataView: MENTIONS, field: 'sourceType' },
  ],
  panels: [
    { lens: 'yuqing-lens-alert-list', x: 0, y: 0, w: 48, h: 14 },
    { lens: 'yuqing-lens-crisis-timeline', x: 0, y: 14, w: 24, h: 10 },
    { lens: 'yuqing-lens-alert-events', x: 24, y: 14, w: 24, h: 10 },
    { lens: 'yuqing-lens-volume-by-rule', x: 0, y: 24, w: 24, h: 12 },
    { lens: 'yuqing-lens-topics', x: 24, y: 24, w: 24, h: 12 },
    { lens: 'yuqing-lens-window-mentions', x: 0, y: 36, w: 48, h: 16 },
    { lens: 'yuqing-lens-alert-evidence', x: 0, y: 52, w: 24, h: 12 },
    { lens: 'yuqing-lens-deliveries', x: 24, y: 52, w: 24, h: 12 },
    { lens: 'yuqing-lens-rising-terms', x: 0, y: 64, w: 24, h: 12 },
  ],
});

/** The bundle in import order: data views, then visualizations, then dashboards. */
export function catalog(): SavedObject[] {
  return [mentionsView, alertsView, ...lenses, overview, incident];
}
