import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { parseContentEncoding, readBody } from '../../src/http/decompress';

const read = (data: Buffer, contentEncoding: string | undefined, maxBodyBytes = 1024 * 1024): Promise<Buffer> =>
  readBody(Readable.from([data]), { contentEncoding, maxBodyBytes, url: 'http://feeds.example.tw/a.xml' });

describe('body decompression', () => {
  it('reads zlib-wrapped and raw deflate alike', async () => {
    expect((await read(zlib.deflateSync(Buffer.from('zlib 內容')), 'deflate')).toString()).toBe('zlib 內容');
    expect((await read(zlib.deflateRawSync(Buffer.from('raw 內容')), 'deflate')).toString()).toBe('raw 內容');
  });

  it('undoes stacked codings in reverse order', async () => {
    const twice = zlib.brotliCompressSync(zlib.gzipSync(Buffer.from('兩層')));
    expect((await read(twice, 'gzip, br')).toString()).toBe('兩層');
    expect(parseContentEncoding('gzip, identity, br', 'u')).toEqual(['br', 'gzip']);
  });

  it('passes an uncompressed body through', async () => {
    expect((await read(Buffer.from('plain'), undefined)).toString()).toBe('plain');
    expect((await read(Buffer.from('plain'), 'identity')).toString()).toBe('plain');
  });

  it('reports corrupt compressed data as E_HTTP_NETWORK', async () => {
    await expect(read(Buffer.from('definitely not gzip'), 'gzip')).rejects.toMatchObject({ code: 'E_HTTP_NETWORK' });
    await expect(read(Buffer.from('definitely not brotli'), 'br')).rejects.toMatchObject({ code: 'E_HTTP_NETWORK' });
  });

  it('refuses a coding it cannot decode', async () => {
    await expect(read(Buffer.from('x'), 'zstd')).rejects.toMatchObject({ code: 'E_HTTP_NETWORK' });
  });

  it('caps the decompressed size, not only the bytes received', async () => {
    const small = zlib.gzipSync(Buffer.alloc(2 * 1024 * 1024));
    expect(small.length).toBeLessThan(64 * 1024);
    await expect(read(small, 'gzip', 64 * 1024)).rejects.toMatchObject({ code: 'E_HTTP_TOO_LARGE', context: { stage: 'decompressed' } });
  });
});
