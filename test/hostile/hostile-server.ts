import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import zlib from 'node:zlib';

/**
 * A loopback HTTP server that misbehaves on purpose, one way per path, for the hostile-input suite
 * (and its memory figure, bench/hostile-memory.ts). Every byte it writes is counted per path, so a
 * test can show the client stopped reading early instead of swallowing the whole attack.
 */

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** A gzip stream that inflates to `total` zero bytes: one small member repeated (multi-member gzip is valid). */
export function gzipBomb(total: number): Buffer {
  const member = zlib.gzipSync(Buffer.alloc(MiB), { level: 9 });
  return Buffer.concat(Array.from({ length: Math.ceil(total / MiB) }, () => member));
}

/** A brotli stream that inflates to `total` zero bytes, built chunk by chunk (never holding `total` bytes). */
export async function brotliBomb(total: number): Promise<Buffer> {
  const br = zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } });
  const out: Buffer[] = [];
  br.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => br.once('end', resolve));
  const zero = Buffer.alloc(MiB);
  for (let written = 0; written < total; written += MiB) if (!br.write(zero)) await new Promise((r) => br.once('drain', r));
  br.end();
  await done;
  return Buffer.concat(out);
}

export type Handler = (req: IncomingMessage, res: ServerResponse, count: (n: number) => void) => void;

/** Write `total` bytes of `fill` as fast as the peer reads them, stopping when it goes away. */
export function stream(res: ServerResponse, total: number, count: (n: number) => void, fill = 0x61): void {
  const chunk = Buffer.alloc(64 * 1024, fill);
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      const n = Math.min(chunk.length, total - sent);
      sent += n;
      count(n);
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

export class HostileServer {
  /** Bytes of body written, per path. */
  readonly sent = new Map<string, number>();
  /** Requests, per path. */
  readonly hits = new Map<string, number>();
  private readonly routes = new Map<string, Handler>();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server: Server;
  base = '';

  constructor() {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
      const handler = this.routes.get(path);
      if (!handler) return void res.writeHead(404).end();
      handler(req, res, (n) => this.sent.set(path, (this.sent.get(path) ?? 0) + n));
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Register a path; returns its URL. */
  route(path: string, handler: Handler): string {
    this.routes.set(path, handler);
    return this.base + path;
  }

  /** A timer that is cleared when the server stops. */
  every(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setInterval(fn, ms);
    this.timers.add(t);
    return t;
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Every misbehaviour of the transport, as routes: what each path does is in its name and comment. */
export async function transportRoutes(h: HostileServer): Promise<Record<string, string>> {
  const gzip1g = gzipBomb(GiB);
  const br1g = await brotliBomb(GiB);
  return {
    // 100 MB, chunked: no length to refuse up front.
    huge: h.route('/huge', (_q, res, count) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      stream(res, 100 * 1000 * 1000, count);
    }),
    // 100 MB, declared in Content-Length.
    hugeDeclared: h.route('/huge-declared', (_q, res, count) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': String(100 * 1000 * 1000) });
      stream(res, 100 * 1000 * 1000, count);
    }),
    // A 1 MB gzip body that inflates to 1 GiB.
    gzipBomb: h.route('/gzip-bomb', (_q, res, count) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip', 'content-length': String(gzip1g.length) });
      count(gzip1g.length);
      res.end(gzip1g);
    }),
    // A small brotli body that inflates to 1 GiB.
    brotliBomb: h.route('/br-bomb', (_q, res, count) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'br' });
      count(br1g.length);
      res.end(br1g);
    }),
    // Two layers of gzip: the outer inflates to a 1 MB gzip body, the inner to 1 GiB.
    nestedGzip: h.route('/nested-gzip', (_q, res, count) => {
      const outer = zlib.gzipSync(gzip1g);
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip, gzip' });
      count(outer.length);
      res.end(outer);
    }),
    // An error page, gzip-compressed (common: servers compress everything).
    gzipError: h.route('/gzip-error', (_q, res) => res.writeHead(503, { 'content-encoding': 'gzip', 'content-type': 'text/html' }).end(zlib.gzipSync(Buffer.from('<h1>Service Unavailable</h1>')))),
    // An error page that never ends.
    endlessError: h.route('/endless-error', (_q, res, count) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      stream(res, 100 * 1000 * 1000, count);
    }),
    // Corrupt compressed data.
    badGzip: h.route('/bad-gzip', (_q, res, count) => {
      const junk = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), Buffer.alloc(4096, 0x5a)]);
      res.writeHead(200, { 'content-encoding': 'gzip' });
      count(junk.length);
      res.end(junk);
    }),
    // A coding nobody can undo.
    unknownEncoding: h.route('/unknown-encoding', (_q, res) => res.writeHead(200, { 'content-encoding': 'compress' }).end('....')),
    // Headers at once, then one byte every 200 ms, forever.
    drip: h.route('/drip', (_q, res, count) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const t = h.every(200, () => {
        if (res.destroyed) return void clearInterval(t);
        count(1);
        res.write('<');
      });
    }),
    // Never answers at all.
    silent: h.route('/silent', () => undefined),
    // Promises 10,000 bytes, sends 100, hangs up.
    truncated: h.route('/truncated', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': '10000' });
      res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>cut</title><item><title>範例診所');
      setTimeout(() => req.socket.destroy(), 20);
    }),
    // Redirects: a two-step loop, a self-loop, an endless chain, and targets that are not HTTP.
    loopA: h.route('/loop-a', (_q, res) => res.writeHead(302, { location: '/loop-b' }).end()),
    loopB: h.route('/loop-b', (_q, res) => res.writeHead(301, { location: '/loop-a' }).end()),
    self: h.route('/self', (_q, res) => res.writeHead(307, { location: '/self' }).end()),
    chain: h.route('/chain', (req, res) => {
      const n = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('n') ?? 0);
      res.writeHead(302, { location: `/chain?n=${n + 1}` }).end();
    }),
    toFile: h.route('/to-file', (_q, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end()),
    toJavascript: h.route('/to-javascript', (_q, res) => res.writeHead(302, { location: 'javascript:alert(1)' }).end()),
    noLocation: h.route('/no-location', (_q, res) => res.writeHead(302).end()),
  };
}
