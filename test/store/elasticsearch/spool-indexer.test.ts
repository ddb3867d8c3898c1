import { Client } from '@elastic/elasticsearch';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { SpoolIndexer } from '../../../src/store/elasticsearch/spool-indexer';
import { IndexSpoolRepo } from '../../../src/store/index-spool-repo';
import { openStateStore, type StateStore } from '../../../src/store/state-store';

const T0 = Date.UTC(2026, 2, 2, 8, 0);

/** What the fake node answers to one `_bulk`: a whole-request status, or one status per item. */
type Reply = { status: number } | { items: number[] };

/** A local HTTP server that speaks just enough `_bulk` to script Elasticsearch's answers. */
class FakeBulkNode {
  readonly requests: string[][] = [];
  private readonly server: Server;
  private replies: Reply[] = [];

  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const lines = body.split('\n').filter(Boolean);
        const ids = lines.filter((_, i) => i % 2 === 0).map((l) => (JSON.parse(l) as { index: { _id: string } }).index._id);
        this.requests.push(ids);
        const reply = this.replies.shift() ?? { items: ids.map(() => 201) };
        const headers = { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' };
        if ('status' in reply) {
          res.writeHead(reply.status, headers).end(JSON.stringify({ error: { type: 'unavailable_shards_exception', reason: 'no master' }, status: reply.status }));
          return;
        }
        const items = ids.map((_, i) => {
          const status = reply.items[i] ?? 201;
          return { index: status < 300 ? { status } : { status, error: { type: status === 429 ? 'es_rejected_execution_exception' : 'document_parsing_exception', reason: `status ${status}` } } };
        });
        res.writeHead(200, headers).end(JSON.stringify({ errors: items.some((i) => i.index.status >= 300), items }));
      });
    });
  }

  script(...replies: Reply[]): void {
    this.replies.push(...replies);
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

describe('SpoolIndexer', () => {
  let node: FakeBulkNode;
  let client: Client;
  let store: StateStore;
  let spool: IndexSpoolRepo;
  const clock = new ManualClock(T0);
  const make = (over: Partial<ConstructorParameters<typeof SpoolIndexer>[0]> = {}) =>
    new SpoolIndexer({ client, spool, clock, log: silentLogger(), maxDocs: 10, maxBytes: 1 << 20, idleMs: 10, initialBackoffMs: 40, maxBackoffMs: 1_000, random: () => 0.5, ...over });
  const enqueue = (...ids: string[]) => spool.enqueueMany(ids.map((id) => ({ index: 'yuqing-mentions-2026.03', id, doc: { id } })), clock.now());

  beforeEach(async () => {
    node = new FakeBulkNode();
    client = new Client({ node: await node.start(), maxRetries: 0, requestTimeout: 5_000 });
    store = openStateStore({ path: ':memory:', clock, storeMentionDocuments: false });
    spool = new IndexSpoolRepo(store.db);
    clock.set(T0);
  });
  afterEach(async () => {
    await client.close();
    await node.stop();
    store.close();
  });

  it('keeps an item answered 429, retries it after a backoff, and slows down meanwhile', async () => {
    enqueue('a', 'b', 'c');
    node.script({ items: [201, 429, 201] });
    const indexer = make();

    const first = await indexer.runOnce();
    expect(first).toMatchObject({ claimed: 3, indexed: 2, retried: 1, failure: null });
    expect(indexer.health()).toMatchObject({ status: 'degraded', spoolDepth: 1, consecutiveFailures: 0 });
    expect(indexer.health().nextAttemptMs).toBeGreaterThan(clock.now()); // overloaded: pause before the next batch
    // The row's own backoff follows the (injected) clock: not due yet, due after it.
    expect((await indexer.runOnce()).claimed).toBe(0);
    clock.advance(40);
    const second = await indexer.runOnce();
    expect(second).toMatchObject({ claimed: 1, indexed: 1 });
    expect(node.requests).toEqual([['a', 'b', 'c'], ['b']]);
    expect(spool.depth()).toBe(0);
    expect(indexer.health().status).toBe('ok');
  });

  it('keeps every row when the request as a whole fails (503) and backs off exponentially', async () => {
    enqueue('a', 'b');
    node.script({ status: 503 }, { status: 503 });
    const indexer = make();

    const r1 = await indexer.runOnce();
    expect(r1.failure).toMatchObject({ code: 'E_STORE', retryable: true, status: 503 });
    expect(spool.depth()).toBe(2);
    const h1 = indexer.health();
    expect(h1).toMatchObject({ status: 'unavailable', consecutiveFailures: 1, totals: { failedRequests: 1 } });
    expect(h1.nextAttemptMs! - clock.now()).toBeGreaterThan(30);
    expect(h1.nextAttemptMs! - clock.now()).toBeLessThanOrEqual(40);

    await indexer.runOnce();
    const h2 = indexer.health();
    expect(h2.consecutiveFailures).toBe(2);
    expect(h2.nextAttemptMs! - clock.now()).toBeGreaterThan(40); // doubled: 80 ms
    expect(h2.lastError?.message).toContain('503');

    await indexer.drain(5_000);
    expect(node.requests).toEqual([['a', 'b'], ['a', 'b'], ['a', 'b']]);
    expect(indexer.health()).toMatchObject({ status: 'ok', consecutiveFailures: 0, spoolDepth: 0, lastSuccessMs: T0 });
  });

  it('treats an unreachable node as an outage: a retryable failure, nothing dead-lettered', async () => {
    enqueue('a');
    await client.close();
    await node.stop();
    client = new Client({ node: 'http://127.0.0.1:9', maxRetries: 0, requestTimeout: 2_000 });
    node = new FakeBulkNode();
    await node.start();
    const r = await make({ client }).runOnce();
    expect(r.failure?.retryable).toBe(true);
    expect(r.failure?.message).toContain('無法連線 Elasticsearch');
    expect(spool.depth()).toBe(1);
    expect(spool.deadLetterCount()).toBe(0);
  });

  it('runs in the background, survives failures, and drains once the node answers again', async () => {
    enqueue('a', 'b', 'c');
    node.script({ status: 503 }, { status: 502 }, { status: 503 });
    const indexer = make();
    indexer.start();
    const deadline = Date.now() + 5_000;
    while (spool.depth() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await indexer.stop();
    expect(spool.depth()).toBe(0);
    expect(node.requests).toHaveLength(4);
    expect(indexer.health().totals).toMatchObject({ failedRequests: 3, indexed: 3 });
  });

  it('replays in spool order: after a failed request it starts again from the oldest row, not the one read ahead', async () => {
    enqueue('a', 'b', 'c', 'd', 'e');
    node.script({ status: 503 });
    const indexer = make({ maxDocs: 2 });
    await indexer.runOnce(); // fails; [c, d] had been read ahead meanwhile
    await indexer.drain(5_000);
    expect(node.requests).toEqual([['a', 'b'], ['a', 'b'], ['c', 'd'], ['e']]);
  });

  /**
   * The indexer's sends and settlements, in the order it made them (the requests still reach the local
   * node); with `loop`, also its claims and a `turn` once the event loop has been through its I/O
   * phase after a send (two immediates: the second runs after the next I/O phase).
   */
  const traceCalls = ({ loop = false } = {}): string[] => {
    const trace: string[] = [];
    const request = client.transport.request.bind(client.transport);
    jest.spyOn(client.transport, 'request').mockImplementation(((params: { bulkBody: Buffer }, options?: unknown) => {
      const docs = params.bulkBody.toString().split('\n').filter((_, i) => i % 2 === 1 && _ !== '');
      trace.push(`send ${docs.map((d) => (JSON.parse(d) as { id: string }).id).join('')}`);
      if (loop) setImmediate(() => setImmediate(() => trace.push('turn')));
      return request(params as never, options as never);
    }) as never);
    if (loop) {
      const claim = spool.claim.bind(spool);
      jest.spyOn(spool, 'claim').mockImplementation((...args) => {
        trace.push('claim');
        return claim(...args);
      });
    }
    const settle = spool.settle.bind(spool);
    jest.spyOn(spool, 'settle').mockImplementation((s, now) => {
      trace.push(`settle ${s.done.length}+${s.retry.length}`);
      settle(s, now);
    });
    return trace;
  };
  const drained = async (): Promise<void> => {
    const deadline = Date.now() + 5_000;
    while (spool.depth() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  };

  it('in the background, sends the next batch before settling the one just answered (the node never waits for SQLite)', async () => {
    enqueue('a', 'b', 'c', 'd', 'e', 'f');
    const trace = traceCalls();
    const indexer = make({ maxDocs: 2 });
    indexer.start();
    await drained();
    await indexer.stop();
    expect(trace).toEqual(['send ab', 'send cd', 'settle 2+0', 'send ef', 'settle 2+0', 'settle 2+0']);
    expect(node.requests).toEqual([['a', 'b'], ['c', 'd'], ['e', 'f']]);
    expect(indexer.health().totals.indexed).toBe(6);
  });

  it('lets every request leave before its SQLite work: an event-loop turn separates a send from the next claim or settle', async () => {
    enqueue('a', 'b', 'c', 'd', 'e', 'f', 'g');
    const trace = traceCalls({ loop: true });
    const indexer = make({ maxDocs: 2 });
    indexer.start();
    await drained();
    await indexer.stop();
    expect(node.requests).toEqual([['a', 'b'], ['c', 'd'], ['e', 'f'], ['g']]);
    // What follows each send first: the event-loop turn the body's remaining writes need, not SQLite.
    const sqliteAfterSend = trace.map((t, i) => (t.startsWith('send') ? trace.slice(i + 1).find((u) => u === 'turn' || u === 'claim' || u.startsWith('settle')) : undefined)).filter(Boolean);
    expect(sqliteAfterSend).toEqual(['turn', 'turn', 'turn', 'turn']);
  });

  it('sends nothing ahead after an item to retry: the backoff comes first', async () => {
    enqueue('a', 'b', 'c', 'd');
    node.script({ items: [201, 429] });
    const trace = traceCalls();
    const indexer = make({ maxDocs: 2 });
    indexer.start();
    // b's own backoff runs on the injected clock: due once the clock moves past it.
    while (spool.depth() > 1) await new Promise((r) => setTimeout(r, 5));
    clock.advance(1_000);
    await drained();
    await indexer.stop();
    expect(trace.slice(0, 2)).toEqual(['send ab', 'settle 1+1']);
    expect(node.requests[0]).toEqual(['a', 'b']);
    expect(node.requests.flat().sort()).toEqual(['a', 'b', 'b', 'c', 'd']);
    expect(spool.depth()).toBe(0);
  });

  it('dead-letters a 400 item and goes on with the rest of the batch', async () => {
    enqueue('a', 'b', 'c');
    node.script({ items: [201, 400, 201] });
    const r = await make().runOnce();
    expect(r).toMatchObject({ indexed: 2, rejected: 1, retried: 0 });
    expect(spool.deadLetters()).toMatchObject([{ docId: 'b', status: 400, errorType: 'document_parsing_exception' }]);
  });

  it('applies backpressure only while the node is up: waits for room, never during an outage', async () => {
    enqueue('a', 'b', 'c', 'd');
    const indexer = make({ maxDocs: 2 });
    await indexer.waitForRoom(3); // not running: it drains a batch itself until below the mark
    expect(spool.depth()).toBe(2);

    node.script({ status: 503 });
    await indexer.runOnce();
    expect(indexer.health().status).toBe('unavailable');
    enqueue('e', 'f', 'g');
    const started = Date.now();
    await indexer.waitForRoom(3); // outage: the disk spool absorbs it, ingestion does not wait
    expect(Date.now() - started).toBeLessThan(50);
    expect(spool.depth()).toBe(5);
  });
});
