import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject, type HeaderValue, type StructuredHeader } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { YuqingError, errorMessage } from '../core/errors';

/** One message as the catcher received and parsed it. Header names are lower-case. */
export interface CaughtMessage {
  messageId: string | undefined;
  subject: string | undefined;
  /** The `From:` header as text. */
  from: string | undefined;
  /** Addresses of the `To:` header. */
  to: string[];
  text: string | undefined;
  html: string | undefined;
  /**
   * Headers as mailparser decodes them, by lower-case name. Note mailparser folds X-Priority /
   * Importance into `priority` (`high` | `normal` | `low`).
   */
  headers: Record<string, string>;
  /** The SMTP envelope (what the client said in MAIL FROM / RCPT TO). */
  envelope: { from: string | undefined; to: string[] };
}

/**
 * How the catcher misbehaves, for failure tests:
 * - `refuse-connection`: greet every connection with an error reply and hang up (default 421);
 * - `reject-recipient`: refuse every RCPT TO (default 550, a permanent rejection);
 * - `reject-message`: refuse after DATA (default 554).
 */
export type SmtpCatcherFailure =
  | { kind: 'refuse-connection'; code?: number; message?: string }
  | { kind: 'reject-recipient'; code?: number; message?: string }
  | { kind: 'reject-message'; code?: number; message?: string };

/** Options of {@link SmtpCatcher}. */
export interface SmtpCatcherOptions {
  /** Interface to listen on (default 127.0.0.1: loopback only). The port is always chosen by the OS. */
  host?: string;
  failure?: SmtpCatcherFailure;
}

/**
 * An in-process SMTP server for the demo and for tests: no TLS, no auth, loopback, a free port.
 * Every accepted message is parsed with mailparser and kept in `messages`; `waitFor` resolves
 * once enough have arrived. `failure` (settable at any time) makes it refuse connections,
 * recipients or messages with a chosen reply code.
 */
export class SmtpCatcher {
  /** Accepted messages, in arrival order. */
  readonly messages: CaughtMessage[] = [];
  /** Connections, recipients and messages refused because of `failure`. */
  refusals = 0;
  /** Sessions that broke off mid-message (the sender vanished): nothing was accepted, so it will send again. */
  brokenSessions = 0;
  failure: SmtpCatcherFailure | undefined;

  private readonly host: string;
  private server: SMTPServer | undefined;
  private boundPort = 0;
  private waiters: Array<{ n: number; resolve: (m: CaughtMessage[]) => void }> = [];

  constructor(options: SmtpCatcherOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.failure = options.failure;
  }

  /** The port it listens on (0 before `start`). */
  get port(): number {
    return this.boundPort;
  }

  /** Start listening. @throws the listen error (e.g. the interface does not exist). */
  async start(): Promise<{ host: string; port: number }> {
    if (this.server) return { host: this.host, port: this.boundPort };
    const server = new SMTPServer({
      secure: false,
      authOptional: true,
      // A local catcher: no STARTTLS (self-signed certificates would only get in the way) and no AUTH.
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      banner: 'Yuqing SMTP catcher',
      closeTimeout: 500,
      onConnect: (_session, callback) => {
        const f = this.failure;
        if (f?.kind !== 'refuse-connection') return callback();
        this.refusals++;
        callback(replyError(f.code ?? 421, f.message ?? 'Service not available (catcher refuses connections)'));
      },
      onRcptTo: (_address: SMTPServerAddress, _session, callback) => {
        const f = this.failure;
        if (f?.kind !== 'reject-recipient') return callback();
        this.refusals++;
        callback(replyError(f.code ?? 550, f.message ?? 'Mailbox unavailable (catcher rejects recipients)'));
      },
      onData: (stream, session, callback) => {
        const f = this.failure;
        simpleParser(stream)
          .then((mail) => {
            if (f?.kind === 'reject-message') {
              this.refusals++;
              return callback(replyError(f.code ?? 554, f.message ?? 'Message rejected (catcher rejects messages)'));
            }
            this.accept({
              messageId: mail.messageId,
              subject: mail.subject,
              from: mail.from?.text,
              to: addressesOf(mail.to),
              text: mail.text,
              html: mail.html === false ? undefined : mail.html,
              headers: flattenHeaders(mail.headers),
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
                to: session.envelope.rcptTo.map((r) => r.address),
              },
            });
            callback();
          })
          // A message we cannot parse is refused with a transient code, so the sender keeps it.
          .catch((err: unknown) => callback(replyError(451, `Cannot parse message: ${errorMessage(err)}`)));
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, this.host, () => {
        server.off('error', reject);
        // smtp-server re-emits a socket error during a mail transaction (a sender killed
        // mid-message: ECONNRESET) on the server; unheard, it would crash this process.
        server.on('error', () => {
          this.brokenSessions++;
        });
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.server.address() as AddressInfo).port;
    return { host: this.host, port: this.boundPort };
  }

  /** Stop listening and close open sessions. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Resolve with the messages once at least `n` have arrived.
   * @throws YuqingError (E_DELIVERY) when they have not arrived within `timeoutMs`.
   */
  waitFor(n: number, timeoutMs: number): Promise<CaughtMessage[]> {
    if (this.messages.length >= n) return Promise.resolve([...this.messages]);
    return new Promise((resolve, reject) => {
      const waiter = {
        n,
        resolve: (m: CaughtMessage[]): void => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new YuqingError('E_DELIVERY', `等待 ${n} 封郵件逾時（${timeoutMs} 毫秒內收到 ${this.messages.length} 封）(timed out waiting for mail)`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private accept(message: CaughtMessage): void {
    this.messages.push(message);
    const ready = this.waiters.filter((w) => this.messages.length >= w.n);
    this.waiters = this.waiters.filter((w) => this.messages.length < w.n);
    for (const w of ready) w.resolve([...this.messages]);
  }
}

/** An error smtp-server turns into an SMTP reply with this code. */
function replyError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  if (!value) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((a) => a.value.map((v) => v.address ?? '')).filter(Boolean);
}

function flattenHeaders(headers: Map<string, HeaderValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) out[name.toLowerCase()] = headerText(value);
  return out;
}

function headerText(value: HeaderValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => headerText(v as HeaderValue)).join(', ');
  if ('text' in value && typeof value.text === 'string') return value.text; // address header
  if ('params' in value) {
    // Structured header such as Content-Type: value plus parameters.
    const s = value as StructuredHeader;
    return s.value + Object.entries(s.params ?? {}).map(([k, v]) => `; ${k}=${v}`).join('');
  }
  return JSON.stringify(value);
}
