import type { MockAgent } from 'undici';
import { parseRedditListing, rateLimitWaitMs, redditConnector, redditListingUrl, redditOptionsSchema } from '../../src/connectors/reddit';
import { fixtureText } from './fixtures';
import { mockRuntime, offlineAgent } from './runtime';

const REDDIT = 'https://www.reddit.com';
const JSON_TYPE = { 'content-type': 'application/json; charset=UTF-8' };

describe('reddit kind', () => {
  let agent: MockAgent;
  beforeEach(() => {
    agent = offlineAgent();
  });
  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  it('builds listing and search URLs with raw_json', () => {
    expect(redditListingUrl(redditOptionsSchema.parse({ subreddit: 'taiwan' }))).toBe(`${REDDIT}/r/taiwan/new.json?limit=50&raw_json=1`);
    expect(redditListingUrl(redditOptionsSchema.parse({ search: { query: 'Example Clinic', subreddit: 'taiwan' }, limit: 10 }))).toBe(
      `${REDDIT}/r/taiwan/search.json?q=Example+Clinic&sort=new&restrict_sr=1&limit=10&raw_json=1`,
    );
  });

  it('reads posts (t3) only, with permalinks, scores as net engagement and deleted authors left out', () => {
    const items = parseRedditListing(JSON.parse(fixtureText('reddit/new.json')), REDDIT, `${REDDIT}/r/taiwan/new.json`);
    expect(items.map((i) => i.guid)).toEqual(['t3_1j2k3l9', 't3_1j2k3l8', 't3_1j2k3l4']);
    expect(items[0]).toMatchObject({
      url: `${REDDIT}/r/taiwan/comments/1j2k3l9/bad_experience_at_a_taipei_aesthetic_clinic/`,
      author: 'expat_in_tpe',
      site: 'Reddit r/taiwan',
      engagement: { net: 57, comments: 23 },
    });
    expect(items[0]!.publishedAt?.toISOString()).toBe('2026-03-02T06:10:00.000Z');
    expect(items[1]!.author).toBeUndefined();
  });

  it('holds the source back until the rate-limit window resets when nothing remains', async () => {
    agent
      .get(REDDIT)
      .intercept({ path: '/r/taiwan/new.json?limit=50&raw_json=1' })
      .reply(200, fixtureText('reddit/new.json'), { headers: { ...JSON_TYPE, 'x-ratelimit-remaining': '0.0', 'x-ratelimit-used': '100', 'x-ratelimit-reset': '412' } });
    const result = await redditConnector.create(redditOptionsSchema.parse({ subreddit: 'taiwan' }), { id: 'reddit-taiwan' }).poll(mockRuntime(agent));
    expect(result.items).toHaveLength(3);
    expect(result.retryAfterMs).toBe(412_000);
    expect(rateLimitWaitMs({ 'x-ratelimit-remaining': '57', 'x-ratelimit-reset': '412' })).toBeUndefined();
  });

  it('revisits a post and records a moderator removal as gone', async () => {
    agent
      .get(REDDIT)
      .intercept({ path: '/r/taiwan/comments/1j2k3l9/bad_experience_at_a_taipei_aesthetic_clinic.json?raw_json=1' })
      .reply(200, fixtureText('reddit/post-removed.json'), { headers: JSON_TYPE });
    const revisit = redditConnector.create(redditOptionsSchema.parse({ subreddit: 'taiwan' }), { id: 'reddit-taiwan' }).revisit!;
    const result = await revisit.fetch(mockRuntime(agent), { url: `${REDDIT}/r/taiwan/comments/1j2k3l9/bad_experience_at_a_taipei_aesthetic_clinic/` });
    expect(result).toEqual({ status: 'gone', detail: '貼文已刪除或移除 (moderator)' });
  });
});
