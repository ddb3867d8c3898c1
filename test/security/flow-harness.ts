import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { loadProject } from '../../src/config/load';
import { builtinRegistry } from '../../src/connectors/builtin';
import { ManualClock } from '../../src/core/clock';
import type { Logger } from '../../src/core/logger';
import { App } from '../../src/pipeline/app';
import { ROOT } from '../helpers/project-dir';

/**
 * A whole daemon run against real local parts, for the security tests that must look at
 * *everything* the daemon leaves behind: a feed host, an SMTP server that demands a login, one
 * HTTP sink standing in for the webhook, Slack and LINE endpoints, a capturing logger at debug
 * level, and a dump of every row of every table of the state file.
 */

/** One request the sink received. */
export interface SinkRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP endpoint that records every request and answers with the status chosen per path prefix. */
export class Sink {
  readonly requests: SinkRequest[] = [];
  /** Path prefix → status (default 200, body `{"ok":true}`-like). */
  readonly statuses = new Map<string, number>();
  private readonly server: Server;
  port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const status = [...this.statuses].find(([prefix]) => path.startsWith(prefix))?.[1] ?? 200;
        // Slack answers "ok" as text; LINE and webhooks are happy with an empty JSON object.
        const body = status === 200 ? (path.startsWith('/services/') ? 'ok' : '{}') : path.startsWith('/services/') ? 'invalid_token' : '{"message":"Authentication failed"}';
        res.writeHead(status, { 'content-type': path.startsWith('/services/') ? 'text/plain' : 'application/json' }).end(body);
      });
    });
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** One message as the SMTP server got it: the raw source and the parsed parts. */
export interface SmtpMessage {
  raw: string;
  subject: string;
  text: string;
  html: string;
}

/** A real SMTP server that requires AUTH (PLAIN/LOGIN, without TLS on loopback) with one user and password. */
export class AuthSmtp {
  readonly messages: SmtpMessage[] = [];
  /** Logins tried, and whether they were accepted. */
  readonly logins: Array<{ user: string; ok: boolean }> = [];
  /** Refuse every login (a changed password), answering 535. */
  refuse = false;
  private server: SMTPServer | undefined;
  port = 0;

  constructor(private readonly user: string, private readonly password: string) {}

  async start(): Promise<void> {
    const server = new SMTPServer({
      secure: false,
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (auth, _session, callback) => {
        const ok = !this.refuse && auth.username === this.user && auth.password === this.password;
        this.logins.push({ user: auth.username ?? '', ok });
        if (ok) return callback(null, { user: auth.username });
        callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
      },
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then((m) => {
              this.messages.push({ raw, subject: m.subject ?? '', text: m.text ?? '', html: m.html === false ? '' : (m.html ?? '') });
              callback();
            })
            .catch((err: Error) => callback(err));
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}

/** A pino logger at debug level whose every line is kept (as text). */
export function captureLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

/** Every row of every table of a SQLite file, one JSON line per row (`table: {…}`); blobs as UTF-8. */
export function dumpDatabase(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
    const out: string[] = [];
    for (const { name } of tables) {
      for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>) {
        const plain = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('utf8') : v]));
        out.push(`${name}: ${JSON.stringify(plain)}`);
      }
    }
    return out;
  } finally {
    db.close();
  }
}

/** The rule the flows alert on: two dispute mentions in an hour → L2. */
export const FLOW_RULE = `id: flow-clinic
name: 測試診所
match:
  any: [範例診所]
topics:
  dispute: { name: 醫療糾紛, risk: high, terms: [醫療糾紛, 提告] }
volume: { bucket: 15m, window: 1h, baseline: 1d, minCount: 5, warmup: 1d }
levels:
  L3: { when: "highRisk >= 4", sla: { respond: 15m, resolve: 4h }, notify: [pr-lead, legal] }
  L2: { when: "highRisk >= 2", sla: { respond: 30m, resolve: 12h }, notify: [pr-lead, legal] }
  L1: { when: "highRisk >= 1", sla: { respond: 1h, resolve: 24h }, notify: [pr-lead, legal] }
cooldown: 2h
`;

/** A project on disk: one rss connector, the rule above, the lexicons, and `main` as yuqing.yaml. */
export function writeFlowProject(feedUrl: string, main: string): { dir: string; config: string; db: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'yuqing-security-'));
  mkdirSync(join(dir, 'rules'), { recursive: true });
  mkdirSync(join(dir, 'connectors'), { recursive: true });
  cpSync(join(ROOT, 'rules', 'lexicons'), join(dir, 'rules', 'lexicons'), { recursive: true });
  writeFileSync(join(dir, 'rules', 'flow-clinic.yaml'), FLOW_RULE);
  writeFileSync(join(dir, 'connectors', 'news.yaml'), `id: news\nkind: rss\noptions:\n  url: "${feedUrl}"\n`);
  writeFileSync(join(dir, 'yuqing.yaml'), main);
  return { dir, config: join(dir, 'yuqing.yaml'), db: join(dir, 'data', 'state.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The app for a project written by {@link writeFlowProject}. */
export function flowApp(config: string, o: { log: Logger; clock: ManualClock; env: Record<string, string> }): App {
  return new App(loadProject(config, builtinRegistry), { log: o.log, clock: o.clock, env: o.env, processMetrics: false, server: false });
}

/** Every place a string could have ended up, as one list of labelled texts. */
export function everything(parts: Record<string, ReadonlyArray<unknown>>): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  for (const [where, list] of Object.entries(parts)) list.forEach((item, i) => out.push({ where: `${where}[${i}]`, text: typeof item === 'string' ? item : JSON.stringify(item) }));
  return out;
}
