import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { HttpError } from '../core/errors';
import { networkError, tooLargeError } from './http-errors';

export interface ReadBodyOptions {
  /** The response's Content-Encoding header, e.g. `gzip` or `gzip, br`. */
  contentEncoding: string | undefined;
  /** Cap for both the bytes received and the bytes after decompression. */
  maxBodyBytes: number;
  /** For error messages (already redacted when the URL is a secret). */
  url: string;
}

/**
 * Drop a response body we will not read (any more). An undici body destroyed before it was read
 * emits an 'error' (RequestAbortedError) a tick later; with no listener that error would take the
 * whole process down, so a listener is attached first.
 */
export function discardBody(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Content codings we can decode; anything else is refused rather than handed on as garbage. */
export const SUPPORTED_ENCODINGS = ['gzip', 'x-gzip', 'deflate', 'br', 'identity'] as const;

/**
 * The codings of a Content-Encoding header in the order they must be *undone* (the last one
 * applied comes first). `identity` is dropped.
 * @throws HttpError E_HTTP_NETWORK for a coding we cannot decode.
 */
export function parseContentEncoding(header: string | undefined, url: string): string[] {
  if (!header) return [];
  const codings = header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity');
  for (const c of codings) {
    if (!(SUPPORTED_ENCODINGS as readonly string[]).includes(c)) {
      throw networkError(url, new Error(`unsupported Content-Encoding "${c}"`), '不支援的內容編碼');
    }
  }
  return codings.reverse();
}

/** "deflate" is officially zlib-wrapped, but some servers send raw deflate: tell them apart by the zlib header. */
function looksLikeZlib(first: Uint8Array): boolean {
  if (first.length < 2) return true;
  const cmf = first[0]!;
  const flg = first[1]!;
  return (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}

function decoderFor(coding: string, first: Uint8Array | undefined): Transform {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return first && !looksLikeZlib(first) ? zlib.createInflateRaw() : zlib.createInflate();
  }
}

/** Counts bytes passing through and fails the pipeline as soon as the cap is crossed. */
function capped(maxBytes: number, onOver: () => Error): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(onOver());
      else callback(null, chunk);
    },
  });
}

/**
 * Read a response body to a Buffer, undoing its Content-Encoding, streaming. Both the bytes on
 * the wire and the decompressed bytes are capped: a compression bomb fails after at most
 * `maxBodyBytes` of output (plus one zlib chunk), never buffering more. The body is destroyed on
 * any failure, so the connection is not left half-read.
 * @throws HttpError E_HTTP_TOO_LARGE over the cap; E_HTTP_NETWORK for an unknown coding or corrupt
 * compressed data; any stream error of the body itself is rethrown as is (the caller classifies it).
 */
export async function readBody(body: Readable, options: ReadBodyOptions): Promise<Buffer> {
  const { maxBodyBytes, url } = options;
  let codings: string[];
  try {
    codings = parseContentEncoding(options.contentEncoding, url);
  } catch (err) {
    discardBody(body);
    throw err;
  }

  // Peek the first chunk so a "deflate" body can be told zlib from raw before choosing the decoder.
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head = await iterator.next();
  if (head.done) return Buffer.alloc(0);
  const first = head.value;

  async function* replay(): AsyncGenerator<Buffer> {
    try {
      yield first;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      // Reached on completion and on early exit: returning the iterator destroys the body.
      await iterator.return?.();
    }
  }

  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  const decoders = codings.map((c, i) => decoderFor(c, i === 0 ? first : undefined));
  // Errors a decoder raised itself mean corrupt compressed data (zlib and brotli use unrelated codes).
  const decoderErrors = new Set<unknown>();
  for (const d of decoders) d.once('error', (e) => decoderErrors.add(e));
  const streams: Array<NodeJS.ReadableStream | NodeJS.WritableStream> = [Readable.from(replay(), { objectMode: false }), capped(maxBodyBytes, () => tooLargeError(url, maxBodyBytes, 'received')), ...decoders];
  if (decoders.length > 0) streams.push(capped(maxBodyBytes, () => tooLargeError(url, maxBodyBytes, 'decompressed')));
  streams.push(sink);

  try {
    await pipeline(streams);
  } catch (err) {
    discardBody(body);
    if (err instanceof HttpError) throw err;
    if (decoderErrors.has(err)) throw networkError(url, err, '回應內容無法解壓縮');
    throw err;
  }
  return Buffer.concat(chunks);
}
