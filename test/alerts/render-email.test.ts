import * as cheerio from 'cheerio';
import { renderEmail } from '../../src/alerts/render/email';
import { describeCondition } from '../../src/alerts/render/condition-words';
import { EVENT_AT, makeEvidence, makeNotice } from '../helpers/alert-fixtures';

const MIN = 60_000;
const HOSTILE_TITLE = '<script>alert(1)</script>範例診所"onerror=alert(2) x=';
const HOSTILE_RULE = '範例診所"><img src=x onerror=alert(3)>';

describe('renderEmail — subject', () => {
  it('names the level, the event, the client, the riskiest topic and the respond deadline in Taipei time', () => {
    const { subject } = renderEmail(makeNotice());
    expect(subject).toBe('【輿情警示 L3・新警示】範例診所：醫療糾紛（須於 11/21 14:20 前回應）');
  });

  it('shows the level change on an upgrade', () => {
    const { subject } = renderEmail(makeNotice({ event: 'upgraded', fromLevel: 'L2' }));
    expect(subject.startsWith('【輿情警示 L2→L3・升級】')).toBe(true);
  });

  it('says when a resolved alert was resolved instead of a deadline', () => {
    const resolvedAt = EVENT_AT + 3 * 60 * MIN;
    const { subject } = renderEmail(makeNotice({ event: 'resolved', eventAt: resolvedAt }, { status: 'resolved', resolvedAt }));
    expect(subject).toBe('【輿情警示 L3・已解除】範例診所：醫療糾紛（已於 11/21 17:05 解除）');
  });

  it('says the respond deadline has passed when the notice is sent late', () => {
    const { subject, text } = renderEmail(makeNotice(), { nowMs: EVENT_AT + 20 * MIN });
    expect(subject).toContain('回應已逾時');
    expect(text).toContain('回應期限：2025-11-21 14:20（已逾時 5 分）');
  });

  it('follows notice.timeZone', () => {
    const { subject } = renderEmail(makeNotice({ timeZone: 'UTC' }));
    expect(subject).toContain('須於 11/21 06:20 前回應');
  });

  it('keeps a rule name with line breaks on one subject line', () => {
    const { subject } = renderEmail(makeNotice({}, { ruleName: '範例\r\n診所\nBcc: x@example.com' }));
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toContain('範例 診所 Bcc: x@example.com');
  });
});

describe('renderEmail — plain text part', () => {
  const { text } = renderEmail(makeNotice());

  it('states the level and what it means', () => {
    expect(text).toContain('等級：L3 嚴重');
    expect(text).toContain('跨部門與法務');
  });

  it('states why: the condition in words and as written', () => {
    expect(text).toContain('條件：最高風險等級 ＝ 高 且 窗口內提及數 ≥ 3');
    expect(text).toContain('原文：risk == high and mentions >= 3');
  });

  it('compares the window with the baseline and shows the window span', () => {
    expect(text).toContain('觀察窗口：2025-11-21 13:05 – 14:05（1 小時）');
    expect(text).toContain('窗口內提及：12 則；基準：2.5 則；倍數：4.8 倍');
    expect(text).toContain('負面：8 / 12 則（67%）');
  });

  it('lists risk topics riskiest first with names, and leaves out topics with no hits', () => {
    const dispute = text.indexOf('- 醫療糾紛（dispute，高風險）：5 則');
    const service = text.indexOf('- 服務抱怨（service，中風險）：2 則');
    expect(dispute).toBeGreaterThan(0);
    expect(service).toBeGreaterThan(dispute);
    expect(text).not.toContain('個資外洩（privacy');
  });

  it('lists top terms and sources', () => {
    expect(text).toContain('熱門詞：醫療糾紛 ×6、提告 ×3');
    expect(text).toContain('主要來源：PTT facelift ×5、Dcard ×3');
  });

  it('gives both deadlines with the time left and the ack link', () => {
    expect(text).toContain('回應期限：2025-11-21 14:20（尚餘 15 分）');
    expect(text).toContain('處理期限：2025-11-21 18:05（尚餘 4 小時）');
    expect(text).toContain('確認收到（Acknowledge）：http://127.0.0.1:8787/ack/alert-example-clinic-1?t=token');
  });

  it('lists every evidence item with id, URL, content hash and fetch time', () => {
    for (const i of [1, 2, 3]) {
      const e = makeEvidence(i);
      expect(text).toContain(`提及編號：${e.mentionId}`);
      expect(text).toContain(`網址：${e.url}`);
      expect(text).toContain(`內容 SHA-256：${e.contentSha256}`);
      expect(text).toContain(e.fetchedAt);
    }
  });

  it('puts the rule id, version hash and idempotency key in the footer', () => {
    const footer = text.slice(text.lastIndexOf('-- '));
    expect(footer).toContain('example-clinic');
    expect(footer).toContain('3f9a0c2b7d1e');
    expect(footer).toContain('alert-example-clinic-1:1:pr-lead:email');
  });

  it('shows negative samples before neutral ones, whatever the evidence order', () => {
    const neutral = makeEvidence(3); // neutral in the fixtures
    const negative = makeEvidence(1);
    const { text: t } = renderEmail(makeNotice({}, { evidence: [neutral, negative] }));
    expect(t).toContain(`1. ${negative.title}`);
    expect(t).toContain(`2. ${neutral.title}`);
  });

  it('caps the evidence list and says how many were left out', () => {
    const evidence = Array.from({ length: 60 }, (_, i) => makeEvidence(i + 1));
    const { text: long } = renderEmail(makeNotice({}, { evidence }));
    expect(long).toContain('另有 10 筆未列出');
    expect(long).not.toContain('提及編號：m-051');
  });

  it('drops the ack link once the alert is acknowledged and says who acknowledged', () => {
    const ackAt = EVENT_AT + 10 * MIN;
    const { text: acked, subject } = renderEmail(
      makeNotice({ event: 'acknowledged', eventAt: ackAt }, { status: 'acknowledged', acknowledgedAt: ackAt, acknowledgedBy: '林小姐' }),
    );
    expect(acked).not.toContain('確認收到（Acknowledge）');
    expect(acked).toContain('已由 林小姐 確認收到');
    expect(acked).toContain('回應期限：2025-11-21 14:20（已於 11/21 14:15 確認）');
    expect(subject).toContain('已確認，須於 11/21 18:05 前處理完畢');
  });

  it('says the baseline is still being built while warming up instead of a ratio', () => {
    const notice = makeNotice();
    notice.alert.signal = { ...notice.alert.signal, warm: false, spikeRatio: 0 };
    expect(renderEmail(notice).text).toContain('倍數：基準建立中');
  });
});

describe('renderEmail — HTML part is safe with hostile input', () => {
  const notice = makeNotice(
    { topTerms: [{ term: '<b>提告</b>', count: 2 }], topSources: [{ site: '<iframe src=//evil>', count: 1 }] },
    {
      ruleName: HOSTILE_RULE,
      evidence: [
        makeEvidence(1, { title: HOSTILE_TITLE }),
        makeEvidence(2, { url: 'javascript:alert(4)', title: 'js 連結' }),
        makeEvidence(3, { url: 'data:text/html,<script>alert(5)</script>', site: '"><svg onload=alert(6)>' }),
      ],
    },
  );
  const { html, text } = renderEmail(notice);
  const $ = cheerio.load(html);

  it('contains no script, image, iframe, svg or form elements', () => {
    expect($('script, img, iframe, svg, form, object, embed, link').length).toBe(0);
  });

  it('has no event-handler attributes on any element', () => {
    const handlers = $('*')
      .toArray()
      .flatMap((el) => Object.keys((el as unknown as { attribs: Record<string, string> }).attribs ?? {}))
      .filter((name) => name.toLowerCase().startsWith('on'));
    expect(handlers).toEqual([]);
  });

  it('shows the hostile title and rule name as escaped text', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;範例診所&quot;onerror=alert(2) x=');
    expect(html).toContain('範例診所&quot;&gt;&lt;img src=x onerror=alert(3)&gt;');
    expect($('body').text()).toContain(HOSTILE_TITLE);
  });

  it('links only http(s) URLs', () => {
    const hrefs = $('a[href]')
      .toArray()
      .map((a) => $(a).attr('href')!);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^https?:\/\//);
    expect(hrefs).toContain(makeEvidence(1).url);
    // the non-http URLs are still shown, as text, so the evidence is complete
    expect($('body').text()).toContain('javascript:alert(4)');
  });

  it('uses no remote resources and no style sheets, only inline styles', () => {
    expect($('style').length).toBe(0);
    expect($('[src]').length).toBe(0);
    expect(html).not.toMatch(/url\(/i);
  });

  it('keeps the same facts in the plain-text part', () => {
    expect(text).toContain(HOSTILE_TITLE);
    expect(text).toContain('javascript:alert(4)（非 http(s) 連結，未開啟）');
  });
});

describe('describeCondition', () => {
  it('reads operators, variables, literals and topic counts in zh-TW', () => {
    expect(describeCondition('spikeRatio >= 5 and negativeShare >= 0.6 or topics.dispute > 2', { dispute: '醫療糾紛' })).toBe(
      '聲量倍數（相對基準） ≥ 5 且 負面比例 ≥ 0.6 或 主題「醫療糾紛」提及數 ＞ 2',
    );
  });

  it('keeps unknown names and parentheses as written', () => {
    expect(describeCondition('(foo == "high") or not warm')).toBe('(foo ＝ 高) 或 非 基準已建立');
  });
});
