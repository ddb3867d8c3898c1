import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/logger';
import type { Route } from './ack-handler';
import type { Metrics } from './metrics';

/** What /healthz reports; produced by the app, so the server stays ignorant of the pipeline. */
export interface HealthReport {
  /** `degraded`: some sources or deliveries are failing but the daemon works (200); `down`: it cannot work (503). */
  status: 'ok' | 'degraded' | 'down';
  [key: string]: unknown;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  log: Logger;
  metrics: Metrics;
  health: () => HealthReport;
  /** Refresh gauges that are read from the store just before a scrape. */
  beforeScrape?: () => void;
  /** More paths (the signed acknowledge links at `/ack/…`); each says which methods it answers. */
  routes?: readonly Route[];
}

/** The daemon's own HTTP server: `/healthz` (JSON), `/metrics` (Prometheus) and any `routes` (ack links). Loopback by default. */
export class HttpServer {
  private server: Server | undefined;

  constructor(private readonly options: HttpServerOptions) {}

  /** Start listening; resolves with the bound address (port 0 picks a free port). */
  async start(): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.options.log.error({ err: (err as Error).message, url: req.url }, 'HTTP 處理失敗 (request failed)');
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
        else res.end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server.address() as AddressInfo;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const route = this.options.routes?.find((r) => path.startsWith(r.prefix));
    if (route) {
      if (!route.methods.includes(req.method ?? '')) {
        res.setHeader('allow', route.methods.join(', '));
        return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
      }
      return route.handle(req, res, url);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    if (path === '/healthz') {
      const report = this.options.health();
      return send(res, report.status === 'down' ? 503 : 200, 'application/json; charset=utf-8', JSON.stringify(report, null, 2) + '\n');
    }
    if (path === '/metrics') {
      this.options.beforeScrape?.();
      return send(res, 200, this.options.metrics.registry.contentType, await this.options.metrics.registry.metrics());
    }
    return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}
