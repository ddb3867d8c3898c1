import { errors } from '@elastic/elasticsearch';
import { StoreError, type YuqingErrorOptions } from '../../core/errors';

/**
 * Elasticsearch failed. `retryable` says whether waiting can help (unreachable, timeout, 429, 502–504);
 * `status` and `esType` are Elasticsearch's when it answered (`es_rejected_execution_exception`…).
 * Code `E_STORE`, like every store failure.
 */
export class IndexError extends StoreError {
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly esType: string | undefined;

  constructor(message: string, options: YuqingErrorOptions & { retryable: boolean; status?: number; esType?: string }) {
    super(message, { ...options, context: { ...options.context, status: options.status, esType: options.esType, retryable: options.retryable } });
    this.name = 'IndexError';
    this.retryable = options.retryable;
    this.status = options.status;
    this.esType = options.esType;
  }
}

/** HTTP statuses after which the same request may succeed later. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status === 502 || status === 503 || status === 504;
}

/**
 * Our error for anything the client threw while doing `what` (a zh-TW phrase, e.g. `寫入索引`).
 * Connection failures and timeouts are retryable; a response error is retryable by its status.
 */
export function toIndexError(err: unknown, what: string): IndexError {
  if (err instanceof IndexError) return err;
  if (err instanceof errors.ResponseError) {
    const status = err.statusCode ?? 0;
    const body = err.body as { error?: { type?: string; reason?: string } | string } | undefined;
    const esType = typeof body?.error === 'object' ? body.error.type : undefined;
    const reason = typeof body?.error === 'object' ? body.error.reason : typeof body?.error === 'string' ? body.error : err.message;
    return new IndexError(`Elasticsearch ${what}失敗 (${status} ${esType ?? ''}): ${reason ?? ''}`.trim(), { cause: err, retryable: isRetryableStatus(status), status, ...(esType ? { esType } : {}) });
  }
  if (err instanceof errors.ConnectionError || err instanceof errors.TimeoutError || err instanceof errors.NoLivingConnectionsError) {
    return new IndexError(`無法連線 Elasticsearch，${what}未完成 (Elasticsearch unreachable): ${err.message}`, { cause: err, retryable: true, esType: err.name });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new IndexError(`Elasticsearch ${what}失敗 (unexpected client error): ${message}`, { cause: err, retryable: false });
}
