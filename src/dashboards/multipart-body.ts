import { randomBytes } from 'node:crypto';

/** A `multipart/form-data` request body with one file part (RFC 7578). */
export interface MultipartBody {
  /** The `content-type` header value, boundary included. */
  contentType: string;
  body: Buffer;
}

/**
 * One file field, the way browsers and curl's `--form file=@x.ndjson` send it. The boundary is
 * random and checked not to occur in the content.
 */
export function multipartFile(field: string, fileName: string, mediaType: string, content: string | Buffer): MultipartBody {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  let boundary: string;
  do boundary = `----yuqing-${randomBytes(12).toString('hex')}`;
  while (bytes.includes(boundary));
  const quoted = (s: string): string => s.replace(/["\\\r\n]/g, '_');
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(field)}"; filename="${quoted(fileName)}"\r\nContent-Type: ${mediaType}\r\n\r\n`;
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat([Buffer.from(head, 'utf8'), bytes, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]) };
}
