import { htmlToText, stripTags } from '../../src/text/html-to-text';

const PAGE = `<!doctype html><html><head><title>頁面標題</title><style>p{color:red}</style>
<script>window.track('範例診所')</script></head>
<body><header><nav><a href="/">首頁</a> | <a href="/news">新聞</a></nav></header>
<article><h1>範例診所爆發醫療糾紛</h1>
<p>病患家屬&nbsp;表示&hellip;&ldquo;態度很差&rdquo; &amp; 拒絕退費。<br>院方回應：會&lt;妥善&gt;處理。</p>
<noscript>請開啟 JavaScript</noscript><iframe src="https://ads.example/"></iframe>
<form><input name="q"><button>搜尋</button></form><svg><text>圖示</text></svg>
<ul><li>第一點</li><li>第二點</li></ul>
<table><tr><td>時間</td><td>事件</td></tr></table>
</article><footer>© 2026 範例新聞 版權所有</footer></body></html>`;

describe('htmlToText', () => {
  const text = htmlToText(PAGE);

  it('keeps the article text', () => {
    expect(text).toContain('範例診所爆發醫療糾紛');
    expect(text).toContain('第一點');
  });

  it('drops scripts, styles, navigation, header, footer, forms, iframes, noscript and svg', () => {
    for (const leaked of ["window.track", 'color:red', '首頁', '版權所有', '搜尋', '請開啟 JavaScript', '圖示', '頁面標題']) {
      expect(text).not.toContain(leaked);
    }
  });

  it('never returns markup', () => {
    expect(text).not.toMatch(/<[a-z/!][^>]*>/i);
  });

  it('decodes entities', () => {
    expect(text).toContain('病患家屬 表示…“態度很差” & 拒絕退費。');
    expect(text).toContain('會<妥善>處理');
  });

  it('turns block elements and <br> into line breaks and separates table cells', () => {
    const lines = text.split('\n');
    expect(lines).toContain('範例診所爆發醫療糾紛');
    expect(lines).toContain('院方回應：會<妥善>處理。');
    expect(lines).toContain('第一點');
    expect(lines).toContain('第二點');
    expect(lines).toContain('時間 事件');
  });

  it('collapses blank lines and trims', () => {
    expect(text).not.toMatch(/\n\s*\n\s*\n/);
    expect(text).toBe(text.trim());
    expect(htmlToText('<div>\n\n<p>一</p>\n\n\n<p></p><p></p><p>二</p>\n</div>')).toBe('一\n\n二');
  });

  it('strips markup that the source escaped twice', () => {
    expect(htmlToText('&lt;p&gt;醫療糾紛&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;')).toBe('醫療糾紛');
  });

  it('keeps spacing inside <pre>', () => {
    expect(htmlToText('<pre>推  好醫師\n噓  爛</pre>')).toBe('推  好醫師\n噓  爛');
  });
});

describe('stripTags', () => {
  it('removes inline tags from titles and decodes entities onto one line', () => {
    expect(stripTags('<b>範例診所</b> 醫療糾紛 &amp; 求償\n後續')).toBe('範例診所 醫療糾紛 & 求償 後續');
  });

  it('drops script content', () => {
    expect(stripTags('標題<script>alert(1)</script>')).toBe('標題');
  });

  it('leaves text without markup as it is, apart from whitespace', () => {
    expect(stripTags('  a < b 且 c > d  ')).toBe('a < b 且 c > d');
  });
});
