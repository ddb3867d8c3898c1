import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../../src/core/logger';
import { createHttpClient, type HttpClientOptions } from '../../src/http/client';
import type { HttpClient, ValidatorStore, Validators } from '../../src/http/types';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** performance.now() when the request arrived and when its response finished. */
  startedAt: number;
  endedAt?: number;
}

export interface TestServer {
  /** `http://127.0.0.1:<port><path>` (or another host name for the same server). */
  url(path: string, host?: string): string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1, port chosen by the OS. Every request is recorded. */
export async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse, seen: SeenRequest) => void): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const seen: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, startedAt: performance.now() };
    requests.push(seen);
    res.on('close', () => (seen.endedAt = performance.now()));
    handler(req, res, seen);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path, host = '127.0.0.1') => `http://${host}:${port}${path}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** An in-memory ValidatorStore. */
export class MemoryValidators implements ValidatorStore {
  readonly map = new Map<string, Validators>();
  getValidators(url: string): Validators | undefined {
    return this.map.get(url);
  }
  setValidators(url: string, validators: Validators): void {
    this.map.set(url, validators);
  }
}

export interface TestClient {
  client: HttpClient;
  /** Every delay the client asked to sleep, in order. */
  sleeps: number[];
}

/** A client with quiet logs, no per-host gap, no retries and a sleep that only records (unless overridden). */
export function testClient(overrides: Partial<HttpClientOptions> = {}): TestClient {
  const sleeps: number[] = [];
  const client = createHttpClient({
    userAgent: 'Yuqing-test/1.0 (+https://example.invalid/yuqing)',
    timeoutMs: 5_000,
    maxBodyBytes: 1024 * 1024,
    perHostIntervalMs: 0,
    retries: 0,
    maxRedirects: 5,
    log: silentLogger(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    // The test servers are on loopback, which the address guard refuses unless allow-listed.
    allowPrivateHosts: ['127.0.0.1'],
    ...overrides,
  });
  return { client, sleeps };
}

/** Resolves with the rejection of `promise`, failing the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: string; status?: number; retryAfterMs?: number }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a rejection, but the promise resolved');
}
