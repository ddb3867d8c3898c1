import { decodeBody, detectCharset, normaliseCharsetLabel } from '../../src/http/charset';
import { encodeBig5 } from './big5';

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('charset detection', () => {
  it.each([
    ['big5', 'big5'],
    ['BIG5', 'big5'],
    ['x-big5', 'big5'],
    ['cp950', 'big5'],
    ['big5-hkscs', 'big5'],
    ['"utf-8"', 'utf-8'],
    ['UTF8', 'utf-8'],
    ['gb2312', 'gbk'],
  ])('normalises the label %s to %s', (label, expected) => {
    expect(normaliseCharsetLabel(label)).toBe(expected);
  });

  it('does not trust a label no decoder knows', () => {
    expect(normaliseCharsetLabel('klingon-8')).toBeUndefined();
  });

  it('prefers a byte-order mark over everything else', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('<?xml version="1.0" encoding="big5"?><a/>')]);
    expect(detectCharset(bytes, 'text/xml; charset=big5')).toEqual({ charset: 'utf-8', source: 'bom' });
  });

  it('uses the Content-Type charset before declarations in the document', () => {
    expect(detectCharset(utf8('<?xml version="1.0" encoding="big5"?><a/>'), 'application/xml; charset="UTF-8"')).toEqual({ charset: 'utf-8', source: 'header' });
  });

  it('falls back to the XML declaration when the header has no charset', () => {
    expect(detectCharset(utf8('\n  <?xml version="1.0" encoding=\'Big5\'?><rss/>'), 'text/xml')).toEqual({ charset: 'big5', source: 'xml-declaration' });
  });

  it('skips an unknown header charset and keeps looking', () => {
    expect(detectCharset(utf8('<?xml version="1.0" encoding="big5"?><rss/>'), 'text/xml; charset=nonsense')).toEqual({ charset: 'big5', source: 'xml-declaration' });
  });

  it('reads <meta charset> and the http-equiv form in HTML', () => {
    expect(detectCharset(utf8('<html><head><meta charset="big5"></head></html>'), 'text/html')).toEqual({ charset: 'big5', source: 'html-meta' });
    expect(detectCharset(utf8('<html><head><meta http-equiv="Content-Type" content="text/html; charset=x-big5"></head>'), undefined)).toEqual({
      charset: 'big5',
      source: 'html-meta',
    });
  });

  it('defaults to UTF-8', () => {
    expect(detectCharset(utf8('{"a":1}'), 'application/json')).toEqual({ charset: 'utf-8', source: 'default' });
  });

  it('treats a declared UTF-16 in ASCII-compatible bytes as UTF-8', () => {
    expect(detectCharset(utf8('<?xml version="1.0" encoding="UTF-16"?><a/>'), undefined).charset).toBe('utf-8');
  });

  it('decodes Big5 text including characters whose second byte is a backslash', () => {
    const decoded = decodeBody(encodeBig5('<?xml version="1.0" encoding="big5"?><t>許功蓋 醫師</t>'), undefined);
    expect(decoded.text).toContain('<t>許功蓋 醫師</t>');
    expect(decoded.charset).toBe('big5');
  });

  it('strips a UTF-8 byte-order mark from the text', () => {
    expect(decodeBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('<a/>')]), undefined).text).toBe('<a/>');
  });
});
