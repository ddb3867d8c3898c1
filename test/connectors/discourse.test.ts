import type { MockAgent } from 'undici';
import { discourseConnector, discourseOptionsSchema, parseDiscourseLatest } from '../../src/connectors/discourse';
import { FeedParseError } from '../../src/core/errors';
import { FIXTURE_NOW_MS, fixtureText } from './fixtures';
import { mockRuntime, offlineAgent } from './runtime';

const FORUM = 'https://forum.example.org';
const JSON_TYPE = { headers: { 'content-type': 'application/json; charset=utf-8' } };

describe('discourse kind', () => {
  let agent: MockAgent;
  beforeEach(() => {
    agent = offlineAgent();
  });
  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });
  const create = (extra: Record<string, unknown> = {}) => discourseConnector.create(discourseOptionsSchema.parse({ baseUrl: FORUM, ...extra }), { id: 'health-forum' });

  it('lists the newest topics with their original posters, leaving pinned announcements out', () => {
    const items = parseDiscourseLatest(JSON.parse(fixtureText('discourse/latest.json')), FORUM, `${FORUM}/latest.json`, FIXTURE_NOW_MS);
    expect(items.map((i) => [i.url, i.author, i.engagement])).toEqual([
      [`${FORUM}/t/example-clinic-billing-complaint-charged-twice/9154`, 'clinic_watch', { comments: 5, likes: 9 }],
      [`${FORUM}/t/post-laser-skin-care-routine/9150`, 'dr_lee', { comments: 1, likes: 1 }],
    ]);
    expect(items[0]!.title).toBe('Example Clinic billing complaint – charged twice');
    expect(() => parseDiscourseLatest({ error: 'x' }, FORUM, `${FORUM}/latest.json`, FIXTURE_NOW_MS)).toThrow(FeedParseError);
  });

  it('reads the first post of each new topic, asking for JSON', async () => {
    let accept: string | undefined;
    const pool = agent.get(FORUM);
    pool.intercept({ path: '/latest.json?order=created' }).reply(200, fixtureText('discourse/latest.json'), JSON_TYPE);
    pool.intercept({ path: '/t/9154.json' }).reply((req) => {
      accept = (req.headers as Record<string, string>).accept;
      return { statusCode: 200, data: fixtureText('discourse/topic-9154.json'), responseOptions: JSON_TYPE };
    });
    const { items } = await create().poll(mockRuntime(agent, { known: (u) => u.endsWith('/9150') }));
    expect(accept).toBe('application/json');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ guid: 'topic:9154', author: 'clinic_watch', engagement: { comments: 5, likes: 7 } });
    expect(items[0]!.html).toContain('charged twice');
    expect(items[0]!.partial).toBeUndefined();
  });

  it('searches, one item per matching post, linked inside its topic', async () => {
    const pool = agent.get(FORUM);
    pool.intercept({ path: `/search.json?q=${encodeURIComponent('"Example Clinic" order:latest')}` }).reply(200, fixtureText('discourse/search.json'), JSON_TYPE);
    pool.intercept({ path: '/t/9154/2.json' }).reply(200, fixtureText('discourse/topic-9154.json'), JSON_TYPE);
    const { items } = await create({ search: '"Example Clinic"' }).poll(mockRuntime(agent));
    expect(items.map((i) => [i.url, i.author, i.guid])).toEqual([[`${FORUM}/t/example-clinic-billing-complaint-charged-twice/9154/2`, 'dr_lee', 'post:51240']]);
    expect(items[0]!.html).toContain('itemised receipt');
  });

  it('records a topic hidden (JSON 403) or deleted (404) as gone on revisit, but a challenge page as a block', async () => {
    const pool = agent.get(FORUM);
    pool.intercept({ path: '/t/9154.json' }).reply(403, '{"errors":["You are not permitted to view the requested resource."],"error_type":"invalid_access"}', JSON_TYPE);
    pool.intercept({ path: '/t/9150.json' }).reply(404, '{"errors":["not found"]}', JSON_TYPE);
    pool.intercept({ path: '/t/9154.json' }).reply(403, '<html>Just a moment...</html>', { headers: { 'content-type': 'text/html', 'cf-mitigated': 'challenge' } });
    const revisit = create().revisit!;
    const topic = `${FORUM}/t/example-clinic-billing-complaint-charged-twice/9154`;
    expect(await revisit.fetch(mockRuntime(agent), { url: topic })).toEqual({ status: 'gone', detail: 'HTTP 403（主題已隱藏 hidden）' });
    expect((await revisit.fetch(mockRuntime(agent), { url: `${FORUM}/t/post-laser-skin-care-routine/9150` })).status).toBe('gone');
    await expect(revisit.fetch(mockRuntime(agent), { url: topic })).rejects.toMatchObject({ code: 'E_HTTP_BLOCKED' });
  });
});
