/** The one HTTP interface every stage uses. Only src/http imports undici. */

export interface Validators {
  etag?: string;
  lastModified?: string;
}

/** Where conditional-GET validators are kept per URL (the SQLite state store in production). */
export interface ValidatorStore {
  getValidators(url: string): Validators | undefined;
  setValidators(url: string, validators: Validators): void;
}

export interface HttpRequestOptions {
  method?: 'GET' | 'POST' | 'HEAD';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send If-None-Match / If-Modified-Since from the validator store and save new ones (GET only; default true). */
  conditional?: boolean;
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** Retries after the first attempt for network errors, 408, 429 and 5xx (idempotent methods only). */
  retries?: number;
  /** Wait for the per-host gap (default true; webhooks turn it off). */
  polite?: boolean;
  /**
   * Check robots.txt first (default false; the crawling connector kinds turn it on). Each redirect
   * hop is checked too. A disallowed URL rejects with E_HTTP_ROBOTS and is never requested. Has no
   * effect when the client was built without `robots`.
   */
  robots?: boolean;
  /**
   * The least gap before this request to its host, when larger than the client's
   * `perHostIntervalMs` (a connector kind's own politeness, e.g. Dcard ≥ 5 s).
   */
  minHostIntervalMs?: number;
  /** Follow redirects (default true; webhooks turn it off: a 3xx is a failure there). */
  followRedirects?: boolean;
  signal?: AbortSignal;
  /**
   * GET only: do not store the validators of a 200 yourself; return them with `commitValidators`
   * so the caller stores them only after it has parsed the body (a feed that fails to parse is then
   * fetched again in full next time, instead of hiding behind 304s). Default false: stored on 200.
   */
  deferValidators?: boolean;
  /**
   * The URL itself is a secret (Slack/Teams webhook URLs): errors and logs show only its origin.
   * Default false.
   */
  redactUrl?: boolean;
}

export interface HttpResponse {
  /** Final URL after redirects. */
  url: string;
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** True on 304 Not Modified (body is empty then). */
  notModified: boolean;
  /** Decoded body bytes (after gzip/deflate/brotli). */
  bytes: Buffer;
  /** Body decoded to text with the detected charset. */
  text: string;
  /** The charset used for `text` (e.g. `utf-8`, `big5`). */
  charset: string;
  /** Validators the server sent with a 200 to a conditional GET (ETag / Last-Modified), when any. */
  validators?: Validators;
  /** With `deferValidators`: stores `validators` for the requested URL. Absent when there is nothing to store. */
  commitValidators?: () => void;
}

export interface HttpClient {
  /**
   * Fetch a URL. Resolves for 2xx and 304; other statuses reject with HttpError (E_HTTP_STATUS,
   * or E_HTTP_BLOCKED for a Cloudflare challenge / 403), as do timeouts (E_HTTP_TIMEOUT), bodies
   * over the cap (E_HTTP_TOO_LARGE), redirect trouble (E_HTTP_REDIRECT) and network errors (E_HTTP_NETWORK).
   */
  request(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
}
