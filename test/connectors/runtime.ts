import { Writable } from 'node:stream';
import pino from 'pino';
import { MockAgent } from 'undici';
import type { ConnectorRuntime } from '../../src/connectors/define';
import { ManualClock } from '../../src/core/clock';
import type { Logger } from '../../src/core/logger';
import { createHttpClient } from '../../src/http/client';
import type { ValidatorStore } from '../../src/http/types';
import { FIXTURE_NOW_MS } from './fixtures';

/** A MockAgent that can never reach the network. */
export function offlineAgent(): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  return agent;
}

export { MemoryValidators } from '../http/helpers';

/** A logger whose JSON lines are kept in `lines`. */
export function capturingLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      cb();
    },
  });
  return { log: pino({ level: 'warn' }, sink), lines };
}

/** A connector runtime whose HTTP client talks only to `agent`. */
export function mockRuntime(agent: MockAgent, options: { id?: string; validators?: ValidatorStore; log?: Logger; known?: (url: string) => boolean; sleeps?: number[] } = {}): ConnectorRuntime {
  const log = options.log ?? pino({ level: 'silent' });
  const http = createHttpClient({
    userAgent: 'Yuqing-test/1.0 (+https://example.invalid/yuqing)',
    timeoutMs: 5_000,
    maxBodyBytes: 5 * 1024 * 1024,
    perHostIntervalMs: 0,
    retries: 0,
    maxRedirects: 5,
    log,
    dispatcher: agent,
    // Host gaps (a kind's minIntervalMs) are recorded, not waited out: these tests are about content.
    sleep: async (ms) => {
      options.sleeps?.push(ms);
    },
    ...(options.validators ? { validators: options.validators } : {}),
  });
  return { id: options.id ?? 'test-feed', http, log, clock: new ManualClock(FIXTURE_NOW_MS), ...(options.known ? { known: options.known } : {}) };
}
