import { createHash, timingSafeEqual } from 'node:crypto';
import { classifyAddress, ipBytes } from '../http/address-policy';

/**
 * The token that write requests (POST and friends) to the daemon's HTTP server must carry when it
 * can be reached from other machines. Accepted as `Authorization: Bearer <token>` (scripts) or as
 * HTTP Basic with the token as the password and any user name (browsers: the 401 answer makes
 * them ask once, then they resend it on their own). Compared in constant time.
 */

/** Methods that change something. */
export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether a listening address is reachable only from this machine (127.0.0.0/8, ::1, `localhost`). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  if (h === 'localhost') return true;
  return ipBytes(h) !== undefined && classifyAddress(h) === 'loopback';
}

/** What a write request's credentials come to. */
export type WriteAuth = 'ok' | 'missing' | 'wrong';

/** The token a request carries in its Authorization header, if any. */
export function presentedToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const [scheme, value = ''] = authorization.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') return value || undefined;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

/**
 * Check a request's credentials against the configured token. Both sides are hashed first, so the
 * comparison takes the same time whatever the length or content of the guess.
 */
export function checkWriteToken(authorization: string | undefined, token: string): WriteAuth {
  const given = presentedToken(authorization);
  if (given === undefined) return 'missing';
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(token, 'utf8').digest();
  return timingSafeEqual(a, b) ? 'ok' : 'wrong';
}

/** Shortest accepted write token, in characters (it guards every write from other machines). */
export const MIN_WRITE_TOKEN_CHARS = 24;

/**
 * The write token named by `server.writeTokenEnv`, or why there is none usable. A missing or
 * too-short token is not fatal: the server then refuses writes from other machines (fail closed).
 */
export function writeTokenFromEnv(envName: string | undefined, env: Record<string, string | undefined>): { token?: string; problem?: string } {
  if (!envName) return {};
  const value = env[envName];
  if (!value) return { problem: `環境變數 ${envName} 未設定或為空 (server.writeTokenEnv: variable not set)` };
  if (value.length < MIN_WRITE_TOKEN_CHARS) return { problem: `環境變數 ${envName} 的權杖太短，至少需要 ${MIN_WRITE_TOKEN_CHARS} 個字元 (write token too short)` };
  return { token: value };
}

/** Whether a write request may go on, and if not, the answer it gets. */
export type WriteVerdict = { allow: true } | { allow: false; status: 401 | 403; reason: 'no-token' | 'missing' | 'wrong' };

/**
 * The write-token gate as a pure decision:
 *
 * | token set | listening on          | credentials        | verdict          |
 * |-----------|-----------------------|--------------------|------------------|
 * | no        | loopback, not required| —                  | allow            |
 * | no        | other, or required    | —                  | 403 no-token     |
 * | yes       | any                   | none               | 401 missing      |
 * | yes       | any                   | wrong token        | 401 wrong        |
 * | yes       | any                   | the token          | allow            |
 */
export function writeVerdict(o: { host: string; token?: string | undefined; requireToken?: boolean; authorization?: string | undefined }): WriteVerdict {
  if (o.token === undefined) {
    if (!o.requireToken && isLoopbackHost(o.host)) return { allow: true };
    return { allow: false, status: 403, reason: 'no-token' };
  }
  const auth = checkWriteToken(o.authorization, o.token);
  return auth === 'ok' ? { allow: true } : { allow: false, status: 401, reason: auth };
}
