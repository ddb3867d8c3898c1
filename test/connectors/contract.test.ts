import { builtinRegistry } from '../../src/connectors/builtin';
import type { ConnectorKind, PollResult } from '../../src/connectors/define';
import { EARLIEST_PLAUSIBLE_MS, MAX_FUTURE_SKEW_MS } from '../../src/connectors/feed-date';
import { contractCases, type ContractCase } from './contract-cases';
import { toMention } from '../../src/text/to-mention';
import { FIXTURE_NOW_MS, fixtureBytes } from './fixtures';
import { mockRuntime, offlineAgent } from './runtime';

/** Markup or an undecoded entity left in text meant for people. */
const MARKUP = /<\/?[a-z!][^>]*>|&(?:[a-z]+|#\d+|#x[0-9a-f]+);/i;

/** Poll a kind once against its recorded responses, with the network disabled. */
async function pollOnce(kind: ConnectorKind, c: ContractCase): Promise<PollResult> {
  const agent = offlineAgent();
  for (const r of c.responses) {
    const url = new URL(r.url);
    agent
      .get(url.origin)
      .intercept({ path: url.pathname + url.search, method: 'GET' })
      .reply(r.status ?? 200, r.file ? fixtureBytes(r.file) : '', { headers: r.headers })
      .times(r.times ?? 1);
  }
  try {
    const instance = kind.create(kind.optionsSchema.parse(c.options), { id: `contract-${kind.kind}` });
    return await instance.poll(mockRuntime(agent));
  } finally {
    agent.assertNoPendingInterceptors();
    await agent.close();
  }
}

/** The identity a Mention id is derived from: the source guid, else the URL. */
const identity = (item: PollResult['items'][number]): string => item.guid ?? item.url;

describe('connector contract', () => {
  it('has recorded cases for every registered kind', () => {
    for (const kind of builtinRegistry.kinds()) expect(contractCases[kind]?.length ?? 0).toBeGreaterThan(0);
  });

  const cases = builtinRegistry.list().flatMap((kind) => (contractCases[kind.kind] ?? []).map((c) => [`${kind.kind}: ${c.name}`, kind, c] as const));

  describe.each(cases)('%s', (_name, kind, c) => {
    let first: PollResult;
    let second: PollResult;

    beforeAll(async () => {
      first = await pollOnce(kind, c);
      second = await pollOnce(kind, c);
    });

    it('yields items', () => {
      expect(first.items.length).toBeGreaterThan(0);
    });

    it('gives every item a unique identity, the same on every poll', () => {
      const ids = first.items.map(identity);
      expect(new Set(ids).size).toBe(ids.length);
      expect(second.items.map(identity)).toEqual(ids);
    });

    it('gives absolute http(s) URLs', () => {
      for (const item of first.items) {
        expect(() => new URL(item.url)).not.toThrow();
        expect(new URL(item.url).protocol).toMatch(/^https?:$/);
        expect(new URL(item.url).href).toBe(item.url);
      }
    });

    it('gives plausible dates or none', () => {
      for (const item of first.items) {
        if (item.publishedAt === undefined) continue;
        expect(Number.isNaN(item.publishedAt.getTime())).toBe(false);
        expect(item.publishedAt.getTime()).toBeGreaterThanOrEqual(EARLIEST_PLAUSIBLE_MS);
        expect(item.publishedAt.getTime()).toBeLessThanOrEqual(FIXTURE_NOW_MS + MAX_FUTURE_SKEW_MS);
      }
    });

    it('gives titles, authors and sites free of markup and entities', () => {
      for (const item of first.items) {
        for (const text of [item.title, item.author, item.site]) {
          if (text !== undefined) expect(text).not.toMatch(MARKUP);
        }
        expect(item.title).toBe(item.title.trim());
      }
    });

    it('gives bodies that normalise to plain text, free of markup and scripts', () => {
      for (const item of first.items) {
        const m = toMention(item, { connector: 'contract', sourceType: kind.sourceType }, FIXTURE_NOW_MS);
        expect(m.body).not.toMatch(MARKUP);
        expect(m.body).not.toMatch(/do-not-leak|<script|function\s*\(|__CF\$cv/);
        expect(m.title).not.toBe('');
      }
    });
  });
});
