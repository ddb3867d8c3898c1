/**
 * Typed errors. Every error the product raises has a stable `code` (for logs, metrics and tests),
 * a zh-TW-first message, an optional `cause` and structured `context` (file, url, connector…).
 * One table-driven test (test/core/errors.test.ts) pins codes to classes.
 */

export type ErrorCode =
  | 'E_CONFIG_YAML'
  | 'E_CONFIG_SCHEMA'
  | 'E_CONFIG_REF'
  | 'E_CONFIG_IO'
  | 'E_EXPRESSION'
  | 'E_HTTP_STATUS'
  | 'E_HTTP_TIMEOUT'
  | 'E_HTTP_TOO_LARGE'
  | 'E_HTTP_NETWORK'
  | 'E_HTTP_REDIRECT'
  | 'E_HTTP_BLOCKED'
  | 'E_HTTP_ROBOTS'
  | 'E_HTTP_FORBIDDEN_ADDRESS'
  | 'E_FEED_PARSE'
  | 'E_CONNECTOR'
  | 'E_STORE'
  | 'E_DELIVERY'
  | 'E_USAGE';

export type ErrorContext = Record<string, unknown>;

export interface YuqingErrorOptions {
  cause?: unknown;
  context?: ErrorContext;
}

export class YuqingError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, options: YuqingErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'YuqingError';
    this.code = code;
    this.context = options.context ?? {};
  }

  /** A JSON-safe view for logs and the store (never includes secrets: callers never put them in context). */
  toJSON(): Record<string, unknown> {
    const cause = this.cause instanceof Error ? { name: this.cause.name, message: this.cause.message } : this.cause;
    return { name: this.name, code: this.code, message: this.message, context: this.context, cause };
  }
}

/** Where in a user-editable file a problem is. `line`/`column` are 1-based. */
export interface FileLocation {
  file: string;
  keyPath?: string;
  line?: number;
  column?: number;
}

/** One problem in one user-editable file. */
export interface ConfigProblem extends FileLocation {
  message: string;
}

export type ConfigErrorCode = 'E_CONFIG_YAML' | 'E_CONFIG_SCHEMA' | 'E_CONFIG_REF' | 'E_CONFIG_IO';

/** A user-editable file (main config, connector, rule, lexicon) is unreadable or invalid. */
export class ConfigError extends YuqingError {
  declare readonly code: ConfigErrorCode;
  readonly problems: ConfigProblem[];

  constructor(code: ConfigErrorCode, problems: ConfigProblem[], options: YuqingErrorOptions = {}) {
    super(code, problems.map(formatProblem).join('\n'), { ...options, context: { ...options.context, files: [...new Set(problems.map((p) => p.file))] } });
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** `file:line:column 鍵 key.path：message` — the format `yuqing validate` prints. */
export function formatProblem(p: ConfigProblem): string {
  const where = [p.file, p.line, p.line !== undefined ? p.column : undefined].filter((x) => x !== undefined).join(':');
  const key = p.keyPath ? ` 鍵 ${p.keyPath}` : '';
  return `${where}${key}：${p.message}`;
}

/** A rule-file condition (`levels.L3.when`) does not parse or names an unknown variable. */
export class ExpressionError extends YuqingError {
  /** 0-based offset of the offending token in the expression text. */
  readonly offset: number;

  constructor(message: string, offset: number, options: YuqingErrorOptions = {}) {
    super('E_EXPRESSION', message, { ...options, context: { ...options.context, offset } });
    this.name = 'ExpressionError';
    this.offset = offset;
  }
}

export type HttpErrorCode = 'E_HTTP_STATUS' | 'E_HTTP_TIMEOUT' | 'E_HTTP_TOO_LARGE' | 'E_HTTP_NETWORK' | 'E_HTTP_REDIRECT' | 'E_HTTP_BLOCKED' | 'E_HTTP_ROBOTS' | 'E_HTTP_FORBIDDEN_ADDRESS';

/**
 * A fetch failed. `status` is set for E_HTTP_STATUS and E_HTTP_BLOCKED. E_HTTP_ROBOTS is our own
 * refusal: the site's robots.txt disallows the URL (or cannot be read), so no request was sent.
 * E_HTTP_FORBIDDEN_ADDRESS is also ours: the host resolved to a loopback, private or link-local
 * address that is not allow-listed (`http.allowPrivateHosts`), so nothing was sent to it.
 */
export class HttpError extends YuqingError {
  readonly url: string;
  readonly status: number | undefined;
  /** Milliseconds the server asked us to wait (Retry-After), when it did. */
  readonly retryAfterMs: number | undefined;

  constructor(code: HttpErrorCode, message: string, url: string, options: YuqingErrorOptions & { status?: number; retryAfterMs?: number } = {}) {
    super(code, message, { ...options, context: { ...options.context, url, status: options.status } });
    this.name = 'HttpError';
    this.url = url;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A fetched body is not a feed or page we can read. */
export class FeedParseError extends YuqingError {
  constructor(message: string, url: string, options: YuqingErrorOptions = {}) {
    super('E_FEED_PARSE', message, { ...options, context: { ...options.context, url } });
    this.name = 'FeedParseError';
  }
}

/** A connector failed for a reason other than HTTP or parsing (bad options at run time, …). */
export class ConnectorError extends YuqingError {
  constructor(message: string, connectorId: string, options: YuqingErrorOptions = {}) {
    super('E_CONNECTOR', message, { ...options, context: { ...options.context, connector: connectorId } });
    this.name = 'ConnectorError';
  }
}

/** The state store or the mention index failed. */
export class StoreError extends YuqingError {
  constructor(message: string, options: YuqingErrorOptions = {}) {
    super('E_STORE', message, options);
    this.name = 'StoreError';
  }
}

/** A notifier could not deliver. `retryable` false means retrying cannot help (4xx other than 408/429). */
export class DeliveryError extends YuqingError {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: YuqingErrorOptions & { retryable?: boolean; retryAfterMs?: number } = {}) {
    super('E_DELIVERY', message, options);
    this.name = 'DeliveryError';
    this.retryable = options.retryable ?? true;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The CLI was called wrongly. */
export class UsageError extends YuqingError {
  constructor(message: string, options: YuqingErrorOptions = {}) {
    super('E_USAGE', message, options);
    this.name = 'UsageError';
  }
}

/** The code of any thrown value: ours, Node's (`ECONNREFUSED`…), or `E_UNKNOWN`. */
export function errorCode(err: unknown): string {
  if (err instanceof YuqingError) return err.code;
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') return (err as { code: string }).code;
  return 'E_UNKNOWN';
}

/** A one-line message for any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
