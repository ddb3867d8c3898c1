import { YuqingError } from '../../src/core/errors';
import { canonicalUrl, isTrackingParam, tryCanonicalUrl } from '../../src/text/canonical-url';

describe('canonicalUrl', () => {
  it('drops tracking parameters and the fragment, and sorts what remains', () => {
    expect(canonicalUrl('https://news.example.com/a/123?utm_source=fb&id=9&fbclid=abc&b=2&gclid=x&UTM_Medium=y#comments')).toBe(
      'https://news.example.com/a/123?b=2&id=9',
    );
  });

  it('lower-cases scheme and host, drops default ports and credentials, keeps the path case', () => {
    expect(canonicalUrl('HTTPS://user:pw@News.Example.COM:443/Path/To/Article.HTML')).toBe('https://news.example.com/Path/To/Article.HTML');
    expect(canonicalUrl('http://example.com:80/x')).toBe('http://example.com/x');
    expect(canonicalUrl('http://example.com:8080/x')).toBe('http://example.com:8080/x');
  });

  it('drops a trailing ? and empty parameters', () => {
    expect(canonicalUrl('https://example.com/a?')).toBe('https://example.com/a');
    expect(canonicalUrl('https://example.com/a?&&utm_campaign=z')).toBe('https://example.com/a');
  });

  it('keeps the order of repeated parameters and their original encoding, upper-casing escapes', () => {
    expect(canonicalUrl('https://example.com/s?q=%e9%86%ab+x&tag=b&tag=a')).toBe('https://example.com/s?q=%E9%86%AB+x&tag=b&tag=a');
  });

  it('gives the same URL for the same article linked from two connectors', () => {
    const fromRss = canonicalUrl('https://www.example-news.tw/news/2026/clinic-dispute?utm_source=rss&utm_medium=feed');
    const fromGoogleNews = canonicalUrl('https://WWW.example-news.tw/news/2026/clinic-dispute?gclid=1#top');
    expect(fromRss).toBe(fromGoogleNews);
  });

  it('resolves a relative link against a base', () => {
    expect(canonicalUrl('/bbs/Beauty/M.1.A.html?spm=a1', 'https://www.ptt.cc/bbs/Beauty/index.html')).toBe('https://www.ptt.cc/bbs/Beauty/M.1.A.html');
  });

  it('rejects what is not an absolute http(s) URL with a typed error', () => {
    for (const bad of ['not a url', 'mailto:pr@example.com', 'javascript:alert(1)', '/relative/only']) {
      expect(tryCanonicalUrl(bad)).toBeUndefined();
      let thrown: unknown;
      try {
        canonicalUrl(bad);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(YuqingError);
      expect((thrown as YuqingError).code).toBe('E_FEED_PARSE');
    }
  });
});

describe('isTrackingParam', () => {
  it('knows the campaign and click ids but keeps generic names', () => {
    expect(['utm_content', 'fbclid', 'mc_eid', 'igshid', 'ref_src', 'spm', 'msclkid'].every(isTrackingParam)).toBe(true);
    expect(['id', 'page', 'ref', 'from', 'p'].some(isTrackingParam)).toBe(false);
  });
});
