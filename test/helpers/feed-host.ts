import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback HTTP server with per-path handlers and a request log, on a free port. */
export class FeedHost {
  readonly requests: Array<{ path: string; headers: IncomingMessage['headers'] }> = [];
  private readonly server: Server;
  private readonly routes = new Map<string, Route>();
  base = '';

  constructor() {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      this.requests.push({ path, headers: req.headers });
      const route = this.routes.get(path);
      if (route) route(req, res);
      else res.writeHead(404).end();
    });
  }

  route(path: string, handler: Route): string {
    this.routes.set(path, handler);
    return this.base + path;
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** An RSS 2.0 document for the given items (XML-escaped). */
export function rss(items: Array<{ title: string; link: string; date: Date; description?: string }>, encoding = 'UTF-8'): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="${encoding}"?>
<rss version="2.0"><channel><title>測試</title><link>http://example.tw/</link><description>d</description>
${items.map((i) => `<item><title>${esc(i.title)}</title><link>${esc(i.link)}</link><pubDate>${i.date.toUTCString()}</pubDate><description>${esc(i.description ?? '')}</description></item>`).join('\n')}
</channel></rss>`;
}
