import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook, type WebhookVerification } from '../alerts/webhook-signature';
import { YuqingError } from '../core/errors';
import { closeServer } from '../server/close-server';

/** One scripted answer: a status, optionally with headers (e.g. `retry-after`) and a body. */
export interface ScriptedReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering (to make the sender time out). */
  delayMs?: number;
}

/** One POST whose signature verified (or any POST, when no secret is set). */
export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body as received. */
  body: string;
  /** The body parsed as JSON (`undefined` when it is not JSON). */
  json: unknown;
  /** What the receiver answered. */
  status: number;
  receivedAtMs: number;
}

/** Options of {@link WebhookReceiver}. */
export interface WebhookReceiverOptions {
  /** Standard Webhooks secret to verify with; without it every POST is accepted unverified. */
  secret?: string;
  /** Accepted clock difference for `webhook-timestamp`, seconds (default 300). */
  toleranceSec?: number;
  /** Current time in ms (default Date.now); the demo passes its accelerated clock. */
  now?: () => number;
  /** Interface to listen on (default 127.0.0.1). The port is always chosen by the OS. */
  host?: string;
}

/**
 * A local webhook endpoint for the demo and for tests (`node:http`, loopback, a free port). Every
 * POST is verified as Standard Webhooks: a missing or bad signature, or a stale timestamp, gets 401
 * and is counted in `rejected`. Valid ones are recorded in `deliveries` and answered with the next
 * scripted reply (`script(500, { status: 429, headers: { 'retry-after': '7' } }, 200)`), then 200
 * once the script is used up. Anything but POST gets 405.
 */
export class WebhookReceiver {
  readonly deliveries: ReceivedWebhook[] = [];
  /** POSTs refused with 401, with the reason. */
  readonly rejected: Array<{ reason: Exclude<WebhookVerification, { ok: true }>['reason']; headers: IncomingHttpHeaders }> = [];

  private readonly options: WebhookReceiverOptions;
  private readonly server: Server;
  private queue: ScriptedReply[] = [];
  private boundPort = 0;
  private waiters: Array<{ n: number; resolve: (d: ReceivedWebhook[]) => void }> = [];

  constructor(options: WebhookReceiverOptions = {}) {
    this.options = options;
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (req.method !== 'POST') {
          res.writeHead(405, { allow: 'POST' }).end();
          return;
        }
        if (options.secret) {
          const now = options.now ?? Date.now;
          const check = verifyWebhook({ secret: options.secret, headers: req.headers, body, nowSec: Math.floor(now() / 1000), toleranceSec: options.toleranceSec ?? 300 });
          if (!check.ok) {
            this.rejected.push({ reason: check.reason, headers: req.headers });
            res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' }).end(`invalid signature: ${check.reason}`);
            return;
          }
        }
        const reply = this.queue.shift() ?? { status: 200 };
        this.record({ path: req.url ?? '/', headers: req.headers, body, json: parseJson(body), status: reply.status, receivedAtMs: (options.now ?? Date.now)() });
        const answer = (): void => {
          if (!res.destroyed) res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
        };
        if (reply.delayMs) setTimeout(answer, reply.delayMs).unref();
        else answer();
      });
    });
  }

  /** `http://127.0.0.1:<port>/hook` once started. */
  get url(): string {
    return `http://${this.options.host ?? '127.0.0.1'}:${this.boundPort}/hook`;
  }

  /** The port it listens on (0 before `start`). */
  get port(): number {
    return this.boundPort;
  }

  /** Queue the answers to the next valid deliveries; numbers are statuses with no headers. */
  script(...replies: Array<number | ScriptedReply>): void {
    this.queue.push(...replies.map((r) => (typeof r === 'number' ? { status: r } : r)));
  }

  /** Start listening. @throws the listen error. */
  async start(): Promise<{ url: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
    return { url: this.url, port: this.boundPort };
  }

  /** Stop listening and drop idle keep-alive connections. */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    await closeServer(this.server);
  }

  /**
   * Resolve with the deliveries once at least `n` valid ones have arrived.
   * @throws YuqingError (E_DELIVERY) when they have not within `timeoutMs`.
   */
  waitFor(n: number, timeoutMs: number): Promise<ReceivedWebhook[]> {
    if (this.deliveries.length >= n) return Promise.resolve([...this.deliveries]);
    return new Promise((resolve, reject) => {
      const waiter = {
        n,
        resolve: (d: ReceivedWebhook[]): void => {
          clearTimeout(timer);
          resolve(d);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new YuqingError('E_DELIVERY', `等待 ${n} 次 webhook 逾時（${timeoutMs} 毫秒內收到 ${this.deliveries.length} 次）(timed out waiting for webhooks)`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private record(d: ReceivedWebhook): void {
    this.deliveries.push(d);
    const ready = this.waiters.filter((w) => this.deliveries.length >= w.n);
    this.waiters = this.waiters.filter((w) => this.deliveries.length < w.n);
    for (const w of ready) w.resolve([...this.deliveries]);
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // documented: `json` is undefined when the body is not JSON; `body` keeps it
  }
}
