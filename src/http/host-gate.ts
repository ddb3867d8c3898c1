/**
 * Per-host politeness: at most one request in flight per host, and at least `intervalMs` between
 * the end of one request and the start of the next to the same host. Different hosts never wait
 * for each other. Waiters are served in arrival order.
 */

/** Sleeps `ms`, rejecting with the signal's reason when it aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface HostGateOptions {
  /** Minimum gap between requests to one host (end of one → start of the next). */
  intervalMs: number;
  /** Monotonic-enough milliseconds. */
  now: () => number;
  sleep: Sleep;
}

/** Call once when the request (including reading its body) is over. Idempotent. */
export type ReleaseHost = () => void;

export interface HostGate {
  /**
   * Wait for this host's turn. Resolves with the release function once no other request to the
   * host is in flight and the gap since the last one has passed.
   * `minIntervalMs` raises the gap for this request (a connector's own minimum, a robots.txt
   * Crawl-delay); it never lowers the gate's.
   * @throws the signal's reason when aborted while waiting (the turn is given up, order kept).
   */
  acquire(host: string, signal?: AbortSignal, minIntervalMs?: number): Promise<ReleaseHost>;
}

export function createHostGate(options: HostGateOptions): HostGate {
  const { intervalMs, now, sleep } = options;
  /** The promise the next arrival must wait for, per host. */
  const tails = new Map<string, Promise<void>>();
  const lastEndAt = new Map<string, number>();

  return {
    async acquire(host, signal, minIntervalMs) {
      const key = host.toLowerCase();
      const previous = tails.get(key) ?? Promise.resolve();
      let open!: () => void;
      const mine = new Promise<void>((resolve) => (open = resolve));
      const tail = previous.then(() => mine);
      tails.set(key, tail);

      let released = false;
      const release = (record: boolean): void => {
        if (released) return;
        released = true;
        if (record) lastEndAt.set(key, now());
        if (tails.get(key) === tail) tails.delete(key);
        open();
      };

      try {
        await waitOrAbort(previous, signal);
        const last = lastEndAt.get(key);
        const wait = last === undefined ? 0 : last + Math.max(intervalMs, minIntervalMs ?? 0) - now();
        if (wait > 0) await sleep(wait, signal);
      } catch (err) {
        // Giving up our turn: those behind us still wait for `previous` through the chain.
        release(false);
        throw err;
      }
      return () => release(true);
    },
  };
}

function waitOrAbort(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
