import { createHostGate } from '../../src/http/host-gate';

/** A gate on a fake clock whose sleep advances the clock and records the wait. */
function fakeGate(intervalMs: number) {
  let now = 1_000;
  const waits: number[] = [];
  const gate = createHostGate({
    intervalMs,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      waits.push(ms);
      now += ms;
    },
  });
  return { gate, waits, advance: (ms: number) => (now += ms) };
}

describe('host gate', () => {
  it('serves one request per host at a time, in arrival order', async () => {
    const { gate } = fakeGate(0);
    const order: string[] = [];
    const first = await gate.acquire('example.tw');
    const second = gate.acquire('example.tw').then((release) => {
      order.push('second');
      release();
    });
    const third = gate.acquire('EXAMPLE.tw').then((release) => {
      order.push('third');
      release();
    });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    first();
    await Promise.all([second, third]);
    expect(order).toEqual(['second', 'third']);
  });

  it('waits out the rest of the gap since the last request ended', async () => {
    const { gate, waits, advance } = fakeGate(1_000);
    (await gate.acquire('a.tw'))();
    advance(300);
    (await gate.acquire('a.tw'))();
    expect(waits).toEqual([700]);
  });

  it('does not make other hosts wait', async () => {
    const { gate, waits } = fakeGate(1_000);
    const holdA = await gate.acquire('a.tw');
    const releaseB = await gate.acquire('b.tw');
    releaseB();
    holdA();
    expect(waits).toEqual([]);
  });

  it('gives up a turn on abort without letting later requests jump the queue', async () => {
    const { gate } = fakeGate(0);
    const holder = await gate.acquire('a.tw');
    const controller = new AbortController();
    const aborted = gate.acquire('a.tw', controller.signal);
    let laterGotIn = false;
    const later = gate.acquire('a.tw').then((release) => {
      laterGotIn = true;
      release();
    });
    controller.abort(new Error('cancelled'));
    await expect(aborted).rejects.toThrow('cancelled');
    await new Promise((r) => setImmediate(r));
    expect(laterGotIn).toBe(false);
    holder();
    await later;
    expect(laterGotIn).toBe(true);
  });
});
