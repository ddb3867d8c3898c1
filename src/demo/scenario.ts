/**
 * The bundled demo scenario for the example clinic (rules/example-clinic.yaml): two weeks of
 * ordinary mentions across a news feed, a PTT board feed and a Google Alerts feed, then a
 * medical-dispute flare-up that spreads from PTT to the news within hours, then calm.
 * Everything is generated from a fixed seed, so every run tells the same story.
 */

import { seededRandom } from '../core/seeded-random';

export type DemoFeed = 'news' | 'ptt' | 'alerts';

export interface DemoItem {
  feed: DemoFeed;
  guid: string;
  /** Epoch ms. */
  publishedAt: number;
  title: string;
  body: string;
  /** Article URL on its (fictional) site. */
  url: string;
  author: string;
  /** Publisher shown by news feeds. */
  source?: string;
}

export interface DemoScenario {
  startMs: number;
  /** When the flare-up begins (the first post about the dispute). */
  flareStartMs: number;
  endMs: number;
  items: DemoItem[];
  /**
   * What the demo must see: exactly one crisis alert, for this rule, peaking at this level; nobody
   * acknowledges, so it escalates to `escalateTo` at its respond deadline; and the flare makes its
   * topic this week's hot-spot.
   */
  expect: { ruleId: string; peakLevel: 'L3'; maxMinutesToFirstAlert: number; maxMinutesToPeak: number; escalateTo: string; hotspotTopic: string };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const PUBLISHERS = ['台灣範例新聞網', '範例日報', '寶島生活報', '北城電子報'] as const;
const PTT_IDS = ['skywalker88', 'meimei0214', 'tpe_doctor', 'hsinchu_cat', 'ohmygod5566', 'lulu1209', 'kaoshiung_k'] as const;

// Ordinary days: praise, neutral news, the odd mild complaint, a job ad (excluded by the rule)
// and posts about other clinics (not mentions of ours).
const ORDINARY = [
  { feed: 'ptt', title: '[心得] 範例診所皮秒雷射三次心得', body: '在範例診所做了三次皮秒，王大明醫師很細心，術前說明很清楚，效果好，大推。' },
  { feed: 'ptt', title: '[問題] 台北醫美診所推薦？', body: '想找除斑的診所，朋友推薦範例診所，有人去過嗎？價格透明嗎？' },
  { feed: 'ptt', title: '[心得] 範例醫美玻尿酸回診紀錄', body: '回診很順利，護理師親切，環境乾淨，整體滿意。' },
  { feed: 'ptt', title: '[請益] 範例診所假日要等很久嗎', body: '上次週六去範例診所等很久，大概一個小時，不知道平日會不會好一點。' },
  { feed: 'news', title: '範例診所響應醫師節 偏鄉義診服務長者', body: '範例診所院長王大明醫師今天率團隊到偏鄉義診，提供皮膚健康諮詢。' },
  { feed: 'news', title: '醫美旺季來臨 專家提醒慎選合格診所', body: '專家建議民眾選擇有合格醫師執業的診所，範例診所等業者表示會加強術前說明。' },
  { feed: 'alerts', title: '<b>範例診所</b>新設分院 服務桃園地區', body: '<b>範例診所</b>宣布在桃園設立分院，預計下月開幕。' },
  { feed: 'alerts', title: '<b>範例診所</b>誠徵護理師 徵才中', body: '<b>範例診所</b>徵才：誠徵護理師二名，意者請洽人資。' },
  { feed: 'ptt', title: '[心得] 別家診所除毛體驗', body: '在另一家診所做除毛，服務還可以，價格普通。' },
  { feed: 'news', title: '衛福部公布醫美定型化契約 消費者權益再升級', body: '新版契約明定退費規則，提醒消費者簽約前詳閱條款。' },
] as const;

// The flare-up: a dispute post on PTT, follow-ups, then the news.
const FLARE = [
  { feed: 'ptt', title: '[爆卦] 範例診所醫美手術疏失 朋友臉部感染', body: '朋友在範例診所做完手術後臉部嚴重感染，診所態度很差，只說是體質問題，我們考慮提告。' },
  { feed: 'ptt', title: 'Re: [爆卦] 範例診所醫美手術疏失 朋友臉部感染', body: '我也在範例診所做過，術後紅腫很久，打去問只叫我再等等，完全不推。' },
  { feed: 'ptt', title: '[問卦] 範例診所醫療糾紛是真的嗎', body: '八卦版都在傳範例診所出事了，有沒有醫療糾紛的八卦？' },
  { feed: 'ptt', title: 'Re: [問卦] 範例診所醫療糾紛是真的嗎', body: '聽說已經找消保官了，王大明醫師都不出面，真的很爛。' },
  { feed: 'alerts', title: '<b>範例診所</b>傳醫療糾紛 病患家屬揚言提告', body: '網友指控<b>範例診所</b>手術疏失導致感染，家屬將向衛生局申訴並求償。' },
  { feed: 'news', title: '醫美手術疏失？範例診所遭控致病患臉部感染 家屬怒提告', body: '一名女子在範例診所接受醫美療程後臉部感染，家屬指控醫療疏失，已委請律師提告求償。' },
  { feed: 'news', title: '範例診所醫療糾紛延燒 衛生局介入調查', body: '針對範例診所的醫療糾紛，衛生局表示已派員稽查，將釐清是否有醫療疏失。' },
  { feed: 'ptt', title: '[新聞] 範例診所遭控醫療疏失 衛生局稽查', body: '看到新聞了，範例診所真的踩雷，大家避雷吧。' },
  { feed: 'news', title: '範例診所回應醫療糾紛：全力配合調查', body: '範例診所發出聲明，表示對病患狀況深感遺憾，將全力配合衛生局調查並與家屬溝通。' },
  { feed: 'alerts', title: '<b>範例診所</b>醫糾 消保官：已受理申訴', body: '消保官證實已受理<b>範例診所</b>相關申訴，將協助雙方調解。' },
] as const;

function item(r: () => number, seq: number, base: { feed: DemoFeed; title: string; body: string }, at: number, variant: number): DemoItem {
  const suffix = variant > 0 ? `（${variant}）` : '';
  const id = `${at.toString(36)}${seq.toString(36)}`;
  switch (base.feed) {
    case 'ptt': {
      const unix = Math.floor(at / 1000);
      return { feed: 'ptt', guid: `ptt-${id}`, publishedAt: at, title: base.title + suffix, body: base.body, url: `https://www.ptt.cc/bbs/facelift/M.${unix}.A.${(seq % 4096).toString(16).toUpperCase().padStart(3, '0')}.html`, author: pick(r, PTT_IDS) };
    }
    case 'news': {
      const source = pick(r, PUBLISHERS);
      return { feed: 'news', guid: `news-${id}`, publishedAt: at, title: base.title + suffix, body: base.body, url: `https://news.example.tw/article/${id}`, author: source, source };
    }
    case 'alerts':
      return { feed: 'alerts', guid: `tag:google.com,2013:googlealerts/feed:${id}`, publishedAt: at, title: base.title + suffix, body: base.body, url: `https://blog.example.tw/posts/${id}?utm_source=alerts`, author: '' };
  }
}

/**
 * Build the scenario. `startMs` is the first simulated instant; the flare-up starts on day 15 at
 * 10:00 Asia/Taipei and the run ends the next morning, after the alert has had time to resolve.
 */
export function buildScenario(startMs: number = Date.UTC(2026, 2, 1, 16, 0, 0) /* 2026-03-02 00:00 +08:00 */): DemoScenario {
  const r = seededRandom(20260302);
  const items: DemoItem[] = [];
  let seq = 0;
  // 14 ordinary days: 2–6 items a day between 08:00 and 23:00 Taipei time.
  for (let day = 0; day < 14; day++) {
    const n = 2 + Math.floor(r() * 5);
    for (let k = 0; k < n; k++) {
      const at = startMs + day * DAY + 8 * HOUR + Math.floor(r() * 15 * HOUR);
      items.push(item(r, seq++, pick(r, ORDINARY), at, day + 1));
    }
  }
  // Day 15, 10:00: the flare-up. Mentions arrive faster and faster for two hours, then fade by 17:00.
  const flareStartMs = startMs + 14 * DAY + 10 * HOUR;
  const gapsMin = [0, 12, 18, 10, 8, 6, 5, 4, 4, 3, 3, 3, 4, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60];
  let at = flareStartMs;
  gapsMin.forEach((gap, i) => {
    at += gap * 60_000;
    const base = i < FLARE.length ? FLARE[i]! : pick(r, FLARE.slice(1));
    items.push(item(r, seq++, base, at, i < FLARE.length ? 0 : i));
  });
  items.sort((a, b) => a.publishedAt - b.publishedAt);
  return {
    startMs,
    flareStartMs,
    endMs: startMs + 15 * DAY + 8 * HOUR,
    items,
    expect: { ruleId: 'example-clinic', peakLevel: 'L3', maxMinutesToFirstAlert: 20, maxMinutesToPeak: 120, escalateTo: 'director', hotspotTopic: 'dispute' },
  };
}
