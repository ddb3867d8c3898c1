/**
 * The malformed-feed corpus: each file in this folder, how it is served, what the daemon must make
 * of it, and the public report it is modelled on (README.md says more). Nothing was downloaded:
 * every file was written for the project, reproducing the fault the report describes.
 */

export type CorpusExpectation =
  /** Read: these titles, in order; warnings matching these patterns; every kept date plausible. */
  | { kind: 'items'; titles: Array<string | RegExp>; warnings?: RegExp[]; datesKept?: number }
  /** Refused as a whole, with this code and message. */
  | { kind: 'error'; code: string; message: RegExp };

export interface CorpusCase {
  file: string;
  /** Content-Type the test server sends (the fault is sometimes in the header). */
  contentType: string;
  expect: CorpusExpectation;
  /** The public bug reports and threads this case is modelled on. */
  sources: string[];
}

const RSS = 'application/rss+xml';
const ENTITIES_REFUSED = /文件宣告了 XML 實體/;

export const CORPUS: readonly CorpusCase[] = [
  {
    file: 'bare-ampersand.xml',
    contentType: RSS,
    expect: { kind: 'items', titles: ['範例診所 & 醫美中心 聯合聲明 AT&T', '第二則 & 正常轉義'], warnings: [/未轉義的「&」/] },
    sources: ['https://github.com/rbren/rss-parser/issues/134', 'https://github.com/miniflux/v2/issues/122', 'https://github.com/kurtmckee/feedparser/issues/117'],
  },
  {
    file: 'html-entities.xml',
    contentType: RSS,
    expect: { kind: 'items', titles: ['範例診所 回應—“不實指控”'], warnings: [/HTML 實體/, /未知的實體/] },
    sources: ['https://github.com/brief-rss/brief/issues/184', 'https://github.com/RssBandit/RssBandit/issues/632', 'https://github.com/kurtmckee/feedparser/issues/121', 'https://github.com/RssBandit/RssBandit/issues/1476'],
  },
  {
    file: 'netscape-rss091-dtd.xml',
    contentType: RSS,
    expect: { kind: 'items', titles: ['範例診所 網誌更新'] },
    sources: ['https://github.com/RssBandit/RssBandit/issues/650', 'https://github.com/FreshRSS/FreshRSS/issues/7514'],
  },
  {
    file: 'xhtml-external-dtd.xml',
    contentType: RSS,
    expect: { kind: 'items', titles: ['範例診所 部落格'] },
    sources: ['https://github.com/RssBandit/RssBandit/issues/1090'],
  },
  {
    file: 'whitespace-before-declaration.xml',
    contentType: RSS,
    expect: { kind: 'items', titles: ['範例診所 開頭有空白的 feed'] },
    sources: ['https://github.com/feedjira/feedjira/pull/196', 'https://github.com/r-lib/xml2/issues/181', 'https://github.com/mozilla/bedrock/pull/12262'],
  },
  {
    file: 'out-of-range-charrefs.xml',
    contentType: RSS,
    expect: { kind: 'items', titles: ['範例診所 字元參照 \uFFFD \uFFFD \uFFFD 是'], warnings: [/不允許的控制字元或字元參照/] },
    sources: ['https://github.com/kurtmckee/feedparser/issues/599'],
  },
  {
    file: 'control-characters.xml',
    contentType: RSS,
    expect: { kind: 'items', titles: ['範例診所 帳號名稱含控制字元[0m'], warnings: [/不允許的控制字元/] },
    sources: ['https://github.com/zedeus/nitter/issues/268', 'https://github.com/FreshRSS/FreshRSS/issues/7514'],
  },
  {
    file: 'atom-empty-updated.xml',
    contentType: 'application/atom+xml',
    expect: { kind: 'items', titles: ['範例診所 Atom 項目', '範例診所 Atom 項目二'], warnings: [/無法解析的日期「not a date」/], datesKept: 1 },
    sources: ['https://github.com/rbren/rss-parser/pull/55'],
  },
  {
    file: 'bad-dates.xml',
    contentType: RSS,
    expect: {
      kind: 'items',
      titles: ['日期一 三位數星期', '日期二 時區縮寫 PST', '日期三 24:00:00', '日期四 AM ART', '日期五 20:0:0 Z', '日期六 西元 0 年', '日期七 9999 年', '日期八 Unix 零點', '日期九 2 月 30 日', '日期十 超大數字', '日期十一 空的'],
      warnings: [/「026, 16 Mar 2026/, /AM ART/, /0000.*早於 1995/, /9999.*未來/, /1970.*早於 1995/, /2026-02-30/, /99999999999999999999/],
      // PST, 24:00:00 (the next midnight) and 20:0:0 are real dates; the rest are dropped, never guessed.
      datesKept: 3,
    },
    sources: ['https://github.com/remy/remysharp.com/issues/75', 'https://github.com/akhilrex/podgrab/issues/10', 'https://github.com/stevedylandev/alcove/issues/15', 'https://github.com/jfroelich/rss-reader/issues/477', 'https://github.com/distillpub/template/issues/126'],
  },
  {
    file: 'html-error-page.xml',
    contentType: 'text/html; charset=utf-8',
    expect: { kind: 'error', code: 'E_FEED_PARSE', message: /無法解析 RSS\/Atom/ },
    sources: ['https://github.com/2233admin/opencli-Razormind/pull/69', 'https://github.com/rbren/rss-parser/issues/134'],
  },
  {
    file: 'empty-body.xml',
    contentType: RSS,
    expect: { kind: 'error', code: 'E_FEED_PARSE', message: /無法解析 RSS\/Atom/ },
    sources: ['https://github.com/2233admin/opencli-Razormind/pull/69', 'https://github.com/kurtmckee/feedparser/issues/125'],
  },
  {
    file: 'truncated.xml',
    contentType: RSS,
    expect: { kind: 'error', code: 'E_FEED_PARSE', message: /Unclosed root tag/ },
    sources: ['https://github.com/kurtmckee/feedparser/issues/125'],
  },
  {
    file: 'big5-behind-utf8-header.xml',
    contentType: 'text/xml; charset=utf-8',
    expect: { kind: 'items', titles: ['範例診所醫療糾紛 家屬提告'] },
    sources: ['https://github.com/simplepie/simplepie/issues/295', 'https://github.com/Etuldan/spaRSS/issues/207'],
  },
  {
    file: 'big5-eten-extension.xml',
    contentType: RSS,
    expect: { kind: 'items', titles: ['範例診所 表裏不一'] },
    sources: ['https://github.com/xroche/httrack/issues/993'],
  },
  {
    file: 'gb2312-declared.xml',
    contentType: 'text/xml',
    expect: { kind: 'items', titles: ['范例诊所 医疗纠纷 简体新闻'] },
    sources: ['https://github.com/Athou/commafeed/issues/480', 'https://github.com/emacs-elfeed/elfeed/issues/129'],
  },
  {
    file: 'mixed-encoding.xml',
    contentType: 'application/rss+xml; charset=utf-8',
    expect: { kind: 'items', titles: ['範例診所 正常 UTF-8 項目', /\uFFFD/] },
    sources: ['https://github.com/RssBandit/RssBandit/issues/183', 'https://github.com/RssBandit/RssBandit/issues/284'],
  },
  {
    file: 'quote-in-tag-name.xml',
    contentType: RSS,
    expect: { kind: 'error', code: 'E_FEED_PARSE', message: /Invalid attribute name/ },
    sources: ['https://github.com/GameFeeder/GameFeeder/issues/332'],
  },
  {
    file: 'billion-laughs.xml',
    contentType: RSS,
    expect: { kind: 'error', code: 'E_FEED_PARSE', message: ENTITIES_REFUSED },
    sources: ['https://cwe.mitre.org/data/definitions/776.html', 'https://github.com/OWASP/CheatSheetSeries/blob/master/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.md'],
  },
  {
    file: 'quadratic-blowup.xml',
    contentType: RSS,
    expect: { kind: 'error', code: 'E_FEED_PARSE', message: ENTITIES_REFUSED },
    sources: ['https://cwe.mitre.org/data/definitions/776.html'],
  },
  {
    file: 'xxe-file.xml',
    contentType: RSS,
    expect: { kind: 'error', code: 'E_FEED_PARSE', message: ENTITIES_REFUSED },
    sources: ['https://cwe.mitre.org/data/definitions/611.html', 'https://github.com/OWASP/CheatSheetSeries/blob/master/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.md'],
  },
  {
    file: 'xxe-url.xml',
    contentType: RSS,
    expect: { kind: 'error', code: 'E_FEED_PARSE', message: ENTITIES_REFUSED },
    sources: ['https://cwe.mitre.org/data/definitions/611.html', 'https://github.com/OWASP/CheatSheetSeries/blob/master/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.md'],
  },
  {
    file: 'xxe-parameter-entity.xml',
    contentType: RSS,
    expect: { kind: 'error', code: 'E_FEED_PARSE', message: ENTITIES_REFUSED },
    sources: ['https://cwe.mitre.org/data/definitions/611.html', 'https://github.com/OWASP/CheatSheetSeries/blob/master/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.md'],
  },
];
