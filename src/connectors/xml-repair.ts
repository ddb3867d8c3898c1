/**
 * Feed XML, made safe and (where the fault is a well-known one) readable before it reaches the
 * XML parser. Pure; linear in the length of the document.
 *
 * Refused: a document type declaration that declares entities (`<!ENTITY …>`). No feed needs one;
 * it is how entity-expansion bombs ("billion laughs") and external entities (XXE: `SYSTEM
 * "file:///etc/passwd"`) are written. A DOCTYPE that only names an external DTD (the RSS 0.91
 * Netscape DTD) is fine: the DTD is never fetched.
 *
 * Repaired, because feed generators get them wrong all the time (see test/hostile/corpus/README.md):
 * - a bare `&` (`AT&T`, `?a=1&b=2`) becomes `&amp;`;
 * - HTML named entities XML does not know (`&nbsp;`, `&rsquo;`, `&eacute;`) become numeric
 *   references; unknown names are kept as literal text (`&amp;name;`);
 * - numeric references to characters XML forbids (`&#0;`, `&#xD800;`, `&#1114112;`) and raw control
 *   characters become U+FFFD / are removed;
 * - whitespace before the XML declaration is removed (a BOM is handled by the decoder).
 * CDATA sections, comments and processing instructions are left exactly as they are.
 */

/** Names XML predefines. */
const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

// HTML 4 entities by code point: Latin-1 (160–255 in order), then the special and symbol sets.
const LATIN1 = (
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot ' +
  'cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml ' +
  'Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig ' +
  'agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ' +
  'ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml'
).split(' ');
const GREEK_UPPER = 'Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho'.split(' ');
const GREEK_UPPER_2 = 'Sigma Tau Upsilon Phi Chi Psi Omega'.split(' ');
const GREEK_LOWER = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigmaf sigma tau upsilon phi chi psi omega'.split(' ');
const OTHERS: Record<string, number> = {
  OElig: 338, oelig: 339, Scaron: 352, scaron: 353, Yuml: 376, fnof: 402, circ: 710, tilde: 732,
  ensp: 8194, emsp: 8195, thinsp: 8201, zwnj: 8204, zwj: 8205, lrm: 8206, rlm: 8207, ndash: 8211, mdash: 8212,
  lsquo: 8216, rsquo: 8217, sbquo: 8218, ldquo: 8220, rdquo: 8221, bdquo: 8222, dagger: 8224, Dagger: 8225,
  bull: 8226, hellip: 8230, permil: 8240, prime: 8242, Prime: 8243, lsaquo: 8249, rsaquo: 8250, oline: 8254,
  frasl: 8260, euro: 8364, trade: 8482, larr: 8592, uarr: 8593, rarr: 8594, darr: 8595, harr: 8596,
  minus: 8722, infin: 8734, ne: 8800, le: 8804, ge: 8805, loz: 9674, spades: 9824, clubs: 9827, hearts: 9829, diams: 9830,
};

/** HTML entity name → code point. */
export const HTML_ENTITIES: ReadonlyMap<string, number> = new Map<string, number>([
  ...LATIN1.map((name, i) => [name, 160 + i] as [string, number]),
  ...GREEK_UPPER.map((name, i) => [name, 913 + i] as [string, number]),
  ...GREEK_UPPER_2.map((name, i) => [name, 931 + i] as [string, number]),
  ...GREEK_LOWER.map((name, i) => [name, 945 + i] as [string, number]),
  ...Object.entries(OTHERS),
]);

/** Whether XML 1.0 allows this character. */
function xmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

// Control characters XML forbids, raw in the text (NUL from broken generators, form feeds…).
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const REFERENCE = /&(?:#(\d{1,10})|#[xX]([0-9A-Fa-f]{1,8})|([A-Za-z][A-Za-z0-9._:-]{0,31}))?(;?)/y;

/** What was repaired, counted per kind (for one warning line each). */
export interface XmlRepairs {
  bareAmpersands: number;
  htmlEntities: number;
  unknownEntities: number;
  badCharacters: number;
  leadingWhitespace: boolean;
}

export type PreparedFeedXml = { ok: true; xml: string; repairs: XmlRepairs } | { ok: false; reason: 'entity-declaration' };

/** Where the root element starts (after the prolog: declaration, comments, PIs, DOCTYPE). */
function rootStart(xml: string): number {
  const m = /<[A-Za-z_]/.exec(xml);
  return m ? m.index : xml.length;
}

/**
 * Check and repair a feed document (see the file comment). `ok: false` when it declares entities.
 */
export function prepareFeedXml(input: string): PreparedFeedXml {
  const repairs: XmlRepairs = { bareAmpersands: 0, htmlEntities: 0, unknownEntities: 0, badCharacters: 0, leadingWhitespace: false };
  let xml = input.replace(/^\uFEFF/, '');
  const trimmed = xml.trimStart();
  if (trimmed.length !== xml.length) {
    repairs.leadingWhitespace = true;
    xml = trimmed;
  }

  // The prolog: a DOCTYPE with an internal subset that declares entities is refused outright.
  const root = rootStart(xml);
  const doctype = xml.slice(0, root).search(/<!DOCTYPE\b/i);
  if (doctype >= 0 && /<!ENTITY\b/i.test(xml.slice(doctype, root))) return { ok: false, reason: 'entity-declaration' };

  xml = xml.replace(FORBIDDEN_CONTROL, () => {
    repairs.badCharacters++;
    return '';
  });

  const out: string[] = [];
  let copied = 0;
  // Both searches only move forward, so the pass stays linear however the two interleave.
  let amp = xml.indexOf('&');
  let lt = xml.indexOf('<');
  while (amp >= 0) {
    if (lt >= 0 && lt < amp) {
      // Sections where `&` is not markup are skipped whole; an ordinary tag is read like text.
      const end = sectionEnd(xml, lt);
      if (end > amp) amp = xml.indexOf('&', end);
      lt = xml.indexOf('<', Math.max(end, lt + 1));
      continue;
    }
    REFERENCE.lastIndex = amp;
    const [whole, dec, hex, name, semi] = REFERENCE.exec(xml)!;
    let replacement: string | undefined;
    let consumed = whole.length;
    if ((dec !== undefined || hex !== undefined) && semi) {
      const cp = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
      if (!xmlChar(cp)) {
        replacement = '&#xFFFD;';
        repairs.badCharacters++;
      }
    } else if (name !== undefined && semi) {
      if (!XML_ENTITIES.has(name)) {
        const cp = HTML_ENTITIES.get(name);
        if (cp !== undefined) {
          replacement = `&#${cp};`;
          repairs.htmlEntities++;
        } else {
          replacement = `&amp;${name};`;
          repairs.unknownEntities++;
        }
      }
    } else {
      // `&` not starting a complete reference: it was meant as text.
      replacement = '&amp;';
      repairs.bareAmpersands++;
      consumed = 1;
    }
    if (replacement !== undefined) {
      out.push(xml.slice(copied, amp), replacement);
      copied = amp + consumed;
    }
    amp = xml.indexOf('&', amp + consumed);
  }
  if (copied > 0) {
    out.push(xml.slice(copied));
    xml = out.join('');
  }
  return { ok: true, xml, repairs };
}

/**
 * If a CDATA section, comment or processing instruction starts at `lt`, the offset just after it
 * (the end of the document when it is not closed); otherwise `lt` (an ordinary tag: `&` inside
 * attribute values is repaired like text).
 */
function sectionEnd(xml: string, lt: number): number {
  const close = (marker: string, from: number): number => {
    const at = xml.indexOf(marker, from);
    return at < 0 ? xml.length : at + marker.length;
  };
  if (xml.startsWith('<![CDATA[', lt)) return close(']]>', lt + 9);
  if (xml.startsWith('<!--', lt)) return close('-->', lt + 4);
  if (xml.startsWith('<?', lt)) return close('?>', lt + 2);
  if (xml.startsWith('<!', lt)) return close('>', lt + 2);
  return lt;
}

/** zh-TW lines describing what was repaired (empty when nothing was). */
export function describeRepairs(r: XmlRepairs): string[] {
  const lines: string[] = [];
  if (r.bareAmpersands > 0) lines.push(`XML 中有 ${r.bareAmpersands} 個未轉義的「&」，已當作文字讀取 (bare ampersands repaired)`);
  if (r.htmlEntities > 0) lines.push(`XML 中有 ${r.htmlEntities} 個 HTML 實體（如 &nbsp;），已轉成字元 (HTML entities repaired)`);
  if (r.unknownEntities > 0) lines.push(`XML 中有 ${r.unknownEntities} 個未知的實體，已保留為文字 (unknown entities kept as text)`);
  if (r.badCharacters > 0) lines.push(`XML 中有 ${r.badCharacters} 個不允許的控制字元或字元參照，已移除或以 U+FFFD 取代 (forbidden characters replaced)`);
  return lines;
}
