import { googleNewsSearchUrl, isGoogleNewsUrl, splitPublisher, unwrapGoogleRedirect } from '../../src/connectors/google';

describe('Google helpers', () => {
  it('builds a zh-TW Google News search URL with the query encoded', () => {
    const url = new URL(googleNewsSearchUrl({ query: '"範例診所" OR 王大明醫師 when:1d' }));
    expect(url.origin + url.pathname).toBe('https://news.google.com/rss/search');
    expect(url.searchParams.get('q')).toBe('"範例診所" OR 王大明醫師 when:1d');
    expect(url.searchParams.get('hl')).toBe('zh-TW');
    expect(url.searchParams.get('gl')).toBe('TW');
    expect(url.searchParams.get('ceid')).toBe('TW:zh-Hant');
    expect(isGoogleNewsUrl(url.href)).toBe(true);
  });

  it('honours other editions', () => {
    const url = new URL(googleNewsSearchUrl({ query: 'clinic', hl: 'en-US', gl: 'US', ceid: 'US:en' }));
    expect(url.searchParams.get('ceid')).toBe('US:en');
  });

  it('unwraps a Google Alerts redirect to its decoded target', () => {
    const wrapped = 'https://www.google.com/url?rct=j&sa=t&url=https://www.dcard.tw/f/medical/p/1%3Fa%3D1%26b%3D2&ct=ga&cd=CAIy&usg=AOvVaw';
    expect(unwrapGoogleRedirect(wrapped)).toBe('https://www.dcard.tw/f/medical/p/1?a=1&b=2');
    expect(unwrapGoogleRedirect('https://www.google.com.tw/url?q=https://example.tw/a&sa=U')).toBe('https://example.tw/a');
  });

  it('leaves other links, and redirects to non-web targets, alone', () => {
    expect(unwrapGoogleRedirect('https://example.tw/url?url=https://evil.example/')).toBe('https://example.tw/url?url=https://evil.example/');
    expect(unwrapGoogleRedirect('https://www.google.com/search?q=x')).toBe('https://www.google.com/search?q=x');
    expect(unwrapGoogleRedirect('https://www.google.com/url?url=javascript:alert(1)')).toBe('https://www.google.com/url?url=javascript:alert(1)');
  });

  it('splits the publisher off a title, trusting <source> when given', () => {
    expect(splitPublisher('醫美糾紛頻傳 - 範例日報 - 生活', '範例日報 - 生活')).toEqual({ title: '醫美糾紛頻傳', site: '範例日報 - 生活' });
    expect(splitPublisher('診所評價兩極 - 科技與生活')).toEqual({ title: '診所評價兩極', site: '科技與生活' });
    expect(splitPublisher('沒有出版者的標題')).toEqual({ title: '沒有出版者的標題' });
    // <source> wins even when the title does not carry it.
    expect(splitPublisher('標題 - 別的名字', '範例新聞網')).toEqual({ title: '標題 - 別的名字', site: '範例新聞網' });
  });
});
