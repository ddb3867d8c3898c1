import type { MockAgent } from 'undici';
import { dcardConnector, dcardListUrl, dcardOptionsSchema } from '../../src/connectors/dcard';
import { parseDcardPosts } from '../../src/connectors/dcard-parse';
import { FeedParseError, HttpError } from '../../src/core/errors';
import { FIXTURE_NOW_MS, fixtureText } from './fixtures';
import { mockRuntime, offlineAgent } from './runtime';

const DCARD = 'https://www.dcard.tw';
const JSON_TYPE = { headers: { 'content-type': 'application/json; charset=utf-8' } };
const LIST = '/service/api/v2/forums/facelift/posts?popular=false&limit=30';

describe('Dcard', () => {
  let agent: MockAgent;
  beforeEach(() => {
    agent = offlineAgent();
  });
  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });
  const create = (options: Record<string, unknown> = { forum: 'facelift' }) => dcardConnector.create(dcardOptionsSchema.parse(options), { id: 'dcard-facelift' });

  it('parses a post list: web URLs, anonymous schools hidden, excerpts marked partial', () => {
    const { items, warnings } = parseDcardPosts(JSON.parse(fixtureText('dcard/forum-posts.json')), DCARD, `${DCARD}${LIST}`, FIXTURE_NOW_MS);
    expect(warnings).toEqual([]);
    expect(items.map((i) => [i.url, i.author ?? null, i.partial])).toEqual([
      [`${DCARD}/f/facelift/p/256031744`, '國立臺灣大學', true],
      [`${DCARD}/f/facelift/p/256030112`, null, true],
      [`${DCARD}/f/facelift/p/255990001`, 'Dcard', true],
    ]);
    expect(items[0]).toMatchObject({ guid: '256031744', site: 'Dcard 醫美', engagement: { likes: 312, comments: 48 } });
    expect(items[0]!.publishedAt?.toISOString()).toBe('2026-03-02T05:12:44.310Z');
  });

  it('builds forum and search list URLs', () => {
    expect(dcardListUrl(dcardOptionsSchema.parse({ forum: 'facelift' }))).toBe(`${DCARD}${LIST}`);
    expect(dcardListUrl(dcardOptionsSchema.parse({ search: { query: '範例診所', forum: 'facelift' }, limit: 10 }))).toBe(
      `${DCARD}/service/api/v2/search/posts?query=%E7%AF%84%E4%BE%8B%E8%A8%BA%E6%89%80&limit=10&forum=facelift`,
    );
    expect(() => dcardOptionsSchema.parse({})).toThrow(/forum, search/);
  });

  it('polls a forum with a Referer, reading the full text of new posts only', async () => {
    let referer: string | undefined;
    const pool = agent.get(DCARD);
    pool.intercept({ path: LIST }).reply((req) => {
      referer = (req.headers as Record<string, string>).referer;
      return { statusCode: 200, data: fixtureText('dcard/forum-posts.json'), responseOptions: JSON_TYPE };
    });
    pool.intercept({ path: '/service/api/v2/posts/256031744' }).reply(200, fixtureText('dcard/post-detail.json'), JSON_TYPE);
    const sleeps: number[] = [];
    const known = (url: string) => !url.endsWith('/256031744');
    const { items } = await create().poll(mockRuntime(agent, { known, sleeps }));
    expect(referer).toBe(`${DCARD}/f/facelift`);
    expect(items).toHaveLength(1);
    expect(items[0]!.partial).toBeUndefined();
    expect(items[0]!.text).toContain('色素沉澱');
    expect(items[0]!.engagement).toEqual({ likes: 340, comments: 52 });
    expect(sleeps).toEqual([expect.any(Number)]);
    expect(sleeps[0]).toBeGreaterThan(4_900);
  });

  it('reports a Cloudflare challenge (403 + cf-mitigated) as blocked, after one request and no retry', async () => {
    agent
      .get(DCARD)
      .intercept({ path: LIST })
      .reply(403, fixtureText('dcard/challenge-403.html'), { headers: { 'content-type': 'text/html; charset=UTF-8', 'cf-mitigated': 'challenge' } });
    const err = await create().poll(mockRuntime(agent)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).code).toBe('E_HTTP_BLOCKED');
    expect((err as HttpError).context).toMatchObject({ challenge: true });
  });

  it('treats a page that is not JSON as a failure, not as no posts', async () => {
    agent.get(DCARD).intercept({ path: LIST }).reply(200, '<html><body>請登入</body></html>', { headers: { 'content-type': 'text/html' } });
    await expect(create().poll(mockRuntime(agent))).rejects.toBeInstanceOf(FeedParseError);
  });

  it('revisits a post: the current text, or gone when hidden or 404', async () => {
    const pool = agent.get(DCARD);
    pool.intercept({ path: '/service/api/v2/posts/256031744' }).reply(200, fixtureText('dcard/post-detail.json').replace('"hidden":false', '"hidden":true'), JSON_TYPE);
    pool.intercept({ path: '/service/api/v2/posts/256030112' }).reply(404, '{"error":"not found"}', JSON_TYPE);
    pool.intercept({ path: '/service/api/v2/posts/256031744' }).reply(200, fixtureText('dcard/post-detail.json'), JSON_TYPE);
    const revisit = create().revisit!;
    expect(await revisit.fetch(mockRuntime(agent), { url: `${DCARD}/f/facelift/p/256031744` })).toEqual({ status: 'gone', detail: '文章已隱藏或刪除 (hidden or deleted)' });
    expect((await revisit.fetch(mockRuntime(agent), { url: `${DCARD}/f/facelift/p/256030112` })).status).toBe('gone');
    const present = await revisit.fetch(mockRuntime(agent), { url: `${DCARD}/f/facelift/p/256031744` });
    expect(present.status === 'present' && present.item.text).toContain('醫療爭議調解');
  });
});
