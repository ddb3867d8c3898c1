import { Client } from '@elastic/elasticsearch';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { StoreError } from '../../core/errors';
import type { ElasticsearchConfig } from '../../config/elasticsearch-schema';

/** Where to resolve what the config names: environment variables and relative file paths. */
export interface EsClientContext {
  env: NodeJS.ProcessEnv;
  /** Folder of the main config file (relative `caFile` paths are resolved against it). */
  baseDir: string;
}

function fromEnv(env: NodeJS.ProcessEnv, name: string, key: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new StoreError(`環境變數 ${name} 未設定，elasticsearch.${key} 需要它 (environment variable not set)`, { context: { env: name, key } });
  }
  return value;
}

/** The node URL the config points at (from `url` or `urlEnv`). @throws StoreError when `urlEnv` is unset */
export function esUrl(config: Pick<ElasticsearchConfig, 'url' | 'urlEnv'>, env: NodeJS.ProcessEnv): string {
  return config.url ?? fromEnv(env, config.urlEnv!, 'urlEnv');
}

/** The URL for people and logs: credentials written into it (`http://user:pw@host`) are masked. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username === '' && u.password === '') return url;
    u.username = '***';
    u.password = '***';
    return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  } catch {
    // Not a URL the client could use either; show nothing of it rather than a secret.
    return '(invalid URL)';
  }
}

/**
 * An Elasticsearch 8 client for the configured node. The client's own retries are off: the index
 * spool retries with backoff and never drops, so a second, blind retry layer would only hide outages.
 * @throws StoreError when a named environment variable is unset or the CA file is unreadable
 */
export function createEsClient(config: ElasticsearchConfig, context: EsClientContext): Client {
  const node = esUrl(config, context.env);
  let ca: string | undefined;
  if (config.caFile) {
    const path = isAbsolute(config.caFile) ? config.caFile : join(context.baseDir, config.caFile);
    try {
      ca = readFileSync(path, 'utf8');
    } catch (cause) {
      throw new StoreError(`無法讀取 Elasticsearch CA 憑證 ${path} (cannot read caFile)`, { cause, context: { path } });
    }
  }
  const auth = config.apiKeyEnv
    ? { apiKey: fromEnv(context.env, config.apiKeyEnv, 'apiKeyEnv') }
    : config.usernameEnv && config.passwordEnv
      ? { username: fromEnv(context.env, config.usernameEnv, 'usernameEnv'), password: fromEnv(context.env, config.passwordEnv, 'passwordEnv') }
      : undefined;
  return new Client({
    node,
    ...(auth ? { auth } : {}),
    ...(ca ? { tls: { ca } } : {}),
    requestTimeout: config.requestTimeoutMs,
    maxRetries: 0,
    name: 'yuqing',
  });
}
