import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/logger';
import type { Route } from './ack-handler';
import { closeServer } from './close-server';
import type { Metrics } from './metrics';
import { isLoopbackHost, WRITE_METHODS, writeVerdict } from './write-token';

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
  /**
   * The token write requests (POST, PUT, PATCH, DELETE) to routes that are not self-authenticating
   * must carry (src/server/write-token.ts). Asked for whenever it is set, and always when `host` is
   * not a loopback address: bound elsewhere without a token, such requests are refused (403).
   */
  writeToken?: string;
  /**
   * A token was configured (`server.writeTokenEnv`) but is unusable (unset, too short): refuse write
   * requests even on loopback (a reverse proxy may be forwarding to it) rather than let them through.
   */
  requireWriteToken?: boolean;
}

/**
 * The daemon's own HTTP server: `/healthz` (JSON), `/metrics` (Prometheus) and any `routes` (ack
 * links, the status page). Loopback by default; write requests need the write token when one is
 * set or when the server listens on another address.
 */
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
    if (this.options.writeToken === undefined && !isLoopbackHost(this.options.host)) {
      this.options.log.warn({ host: this.options.host }, '服務聽在非本機位址且沒有寫入權杖：寫入請求（狀態頁的確認）一律拒絕，簽章確認連結不受影響 (no write token: writes refused except signed ack links)');
    }
    return server.address() as AddressInfo;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await closeServer(server);
  }

  /**
   * The write-token gate. Without a token, a server on a loopback address lets write requests
   * through (only this machine can send them) and one on any other address refuses them (403). With
   * a token, a request without it or with a wrong one gets 401 and a Basic challenge (browsers then
   * ask for it once). Answers the request itself and returns false when it may not go on.
   */
  private writeAllowed(req: IncomingMessage, res: ServerResponse): boolean {
    const verdict = writeVerdict({ host: this.options.host, token: this.options.writeToken, requireToken: this.options.requireWriteToken ?? false, authorization: req.headers.authorization });
    if (verdict.allow) return true;
    const path = req.url?.split('?')[0];
    if (verdict.reason === 'no-token') {
      this.options.log.warn({ method: req.method, path }, '沒有可用的寫入權杖，拒絕寫入請求 (write refused: no usable server.writeTokenEnv)');
      send(res, 403, 'text/plain; charset=utf-8', '寫入功能已停用：服務聽在非本機位址（或已設定 server.writeTokenEnv），但沒有可用的寫入權杖。(writes disabled: set server.writeTokenEnv to a variable holding a token)\n');
      return false;
    }
    this.options.log.warn({ method: req.method, path, reason: verdict.reason }, '寫入請求缺少或帶錯權杖 (write refused: token missing or wrong)');
    res.setHeader('www-authenticate', 'Basic realm="Yuqing", charset="UTF-8"');
    send(res, 401, 'text/plain; charset=utf-8', '需要寫入權杖：帳號任意、密碼填權杖，或送 Authorization: Bearer <token>。(write token required)\n');
    return false;
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
      if (WRITE_METHODS.has(req.method ?? '') && !route.selfAuthenticating && !this.writeAllowed(req, res)) return;
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
