import { isUtf8 } from 'node:buffer';

/**
 * Charset detection and decoding for fetched bodies. Taiwanese sites still serve Big5 (often
 * declared only inside the document), so the header alone is not enough.
 */

/**
 * Where the charset came from, in the order they are tried. `header-overridden`: the header said
 * UTF-8, the bytes are not UTF-8, and the document declares its own charset (a Big5 site behind a
 * server that labels everything UTF-8), so the declaration was used.
 */
export type CharsetSource = 'bom' | 'header' | 'header-overridden' | 'xml-declaration' | 'html-meta' | 'default';

export interface DetectedCharset {
  /** Canonical WHATWG encoding name, e.g. `utf-8`, `big5`, `utf-16le`. */
  charset: string;
  source: CharsetSource;
}

export interface DecodedBody extends DetectedCharset {
  text: string;
}

// Labels seen in the wild that TextDecoder does not know, mapped to the decoder that reads them.
// WHATWG `big5` is a superset of CP950 and HKSCS, so all Big5 variants decode with it.
const ALIASES: Record<string, string> = {
  'x-big5': 'big5',
  cp950: 'big5',
  ms950: 'big5',
  'windows-950': 'big5',
  'big5-hkscs': 'big5',
  big5hkscs: 'big5',
  utf8: 'utf-8',
};

/** How far into the body a declaration is looked for (the HTML spec prescans 1024 bytes; feeds get a little more room). */
const SNIFF_BYTES = 2048;

const XML_DECLARATION = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']+)["']/i;
const HTML_META = /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i;
const HEADER_CHARSET = /;\s*charset\s*=\s*("?)([^";,\s]+)\1/i;

/**
 * The canonical encoding name for a charset label, or `undefined` when no decoder knows it.
 * `normaliseCharsetLabel('CP950')` → `'big5'`.
 */
export function normaliseCharsetLabel(label: string): string | undefined {
  const clean = label.trim().replace(/^["']|["']$/g, '').toLowerCase();
  if (!clean) return undefined;
  const mapped = ALIASES[clean] ?? clean;
  try {
    return new TextDecoder(mapped).encoding;
  } catch {
    // An unknown label is not an error: detection falls through to the next source.
    return undefined;
  }
}

function bomCharset(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return undefined;
}

/** A declaration read from ASCII-compatible bytes cannot really be UTF-16 (HTML spec: treat it as UTF-8). */
function fromDeclaration(label: string | undefined): string | undefined {
  const charset = label === undefined ? undefined : normaliseCharsetLabel(label);
  return charset?.startsWith('utf-16') ? 'utf-8' : charset;
}

/**
 * Decide the charset of a body: byte-order mark, then the Content-Type `charset=`, then the XML
 * declaration's `encoding=`, then an HTML `<meta charset>` / `http-equiv` tag, else UTF-8.
 * Unknown labels are skipped, not trusted. One exception to the order: a header that says UTF-8
 * for bytes that are not UTF-8 loses to a declaration of another charset in the document.
 */
export function detectCharset(bytes: Uint8Array, contentType: string | undefined): DetectedCharset {
  const bom = bomCharset(bytes);
  if (bom) return { charset: bom, source: 'bom' };

  // latin1 maps bytes 1:1, so ASCII markup reads the same whatever the real encoding is.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, SNIFF_BYTES)).toString('latin1');
  const xml = fromDeclaration(XML_DECLARATION.exec(head)?.[1]);
  const meta = fromDeclaration(HTML_META.exec(head)?.[1]);

  const headerLabel = contentType ? HEADER_CHARSET.exec(contentType)?.[2] : undefined;
  const header = headerLabel === undefined ? undefined : normaliseCharsetLabel(headerLabel);
  if (header) {
    const declared = xml ?? meta;
    if (header === 'utf-8' && declared && declared !== 'utf-8' && !isUtf8(bytes)) return { charset: declared, source: 'header-overridden' };
    return { charset: header, source: 'header' };
  }

  if (xml) return { charset: xml, source: 'xml-declaration' };
  if (meta) return { charset: meta, source: 'html-meta' };

  return { charset: 'utf-8', source: 'default' };
}

/**
 * Decode a body to text with the detected charset. Invalid sequences become U+FFFD rather than
 * failing: one bad byte in a feed should not lose the whole poll. A leading BOM is removed.
 */
export function decodeBody(bytes: Uint8Array, contentType: string | undefined): DecodedBody {
  const detected = detectCharset(bytes, contentType);
  const text = new TextDecoder(detected.charset).decode(bytes);
  return { ...detected, text };
}
