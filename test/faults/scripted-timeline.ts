/**
 * The scripted scenario of the SIGKILL fault suite: a seeded timeline of posts about many clients
 * (one rule file each), in iterations. Every iteration brings new clients; each of them either has
 * a crisis (enough dispute posts to fire) or does not (benign posts, at most one dispute post: a
 * near miss that must not fire). Posts go out on three local feeds, some twice (the same article
 * on `news` and `mirror`), plus posts that match no rule at all. Pure and deterministic: the same
 * seed gives the same timeline, so a failure names the seed that reproduces it.
 */

import { seededRandom } from '../../src/core/seeded-random';

/** Feeds of the scenario, one connector each. */
export const FEEDS = ['news', 'forum', 'mirror'] as const;
export type FeedName = (typeof FEEDS)[number];

/** One post: when it appears (ms after the iteration starts) and where. */
export interface Post {
  /** Unique in the whole run; the article's link ends with it. */
  key: string;
  iteration: number;
  /** Client it is about, or null for a post that matches no rule. */
  client: string | null;
  kind: 'dispute' | 'benign' | 'noise';
  title: string;
  /** Feeds that list it (two for a cross-post: same link, so one mention). */
  feeds: FeedName[];
  atOffsetMs: number;
}

/** A monitored client: its rule id, brand term and what the script makes happen to it. */
export interface Client {
  id: string;
  brand: string;
  iteration: number;
  disputes: number;
  /** True when the rule must fire: at least {@link CRISIS_DISPUTES} dispute posts. */
  crisis: boolean;
  /** The level the alert must reach: L2 from {@link L2_DISPUTES} dispute posts, else L1. */
  expectedLevel: 'L1' | 'L2' | null;
}

export interface Timeline {
  seed: number;
  clients: Client[];
  posts: Post[];
  /** Latest post offset of any iteration (ms). */
  spanMs: number;
}

/** Dispute posts in the window that open an alert (L1), and that raise it to L2. */
export const CRISIS_DISPUTES = 2;
export const L2_DISPUTES = 3;

/** Whole number in [lo, hi]. */
export function between(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/**
 * The timeline: `clientsPerIteration` new clients per iteration, each a crisis with probability ½;
 * a crisis gets 2–4 dispute posts, a non-crisis 0–1; everyone 1–2 benign posts; 1–2 posts match
 * no rule; about one post in five is cross-posted on `mirror` with the same link.
 */
export function buildTimeline(seed: number, iterations: number, options: { clientsPerIteration?: number; spanMs?: number } = {}): Timeline {
  const random = seededRandom(seed);
  const perIteration = options.clientsPerIteration ?? 2;
  const spanMs = options.spanMs ?? 2_000;
  const clients: Client[] = [];
  const posts: Post[] = [];
  let n = 0;
  const post = (iteration: number, client: Client | null, kind: Post['kind']): void => {
    const key = `i${iteration}-p${n++}`;
    const title =
      kind === 'dispute'
        ? `${client!.brand}醫療糾紛 家屬揚言提告（${key}）`
        : kind === 'benign'
          ? `${client!.brand}服務親切 環境乾淨（${key}）`
          : `地方新聞 社區活動與市集（${key}）`;
    const first: FeedName = random() < 0.5 ? 'news' : 'forum';
    const feeds: FeedName[] = first === 'news' && random() < 0.4 ? ['news', 'mirror'] : [first];
    posts.push({ key, iteration, client: client?.id ?? null, kind, title, feeds, atOffsetMs: Math.floor(random() * spanMs) });
  };
  for (let it = 0; it < iterations; it++) {
    for (let c = 0; c < perIteration; c++) {
      const index = it * perIteration + c;
      const crisis = random() < 0.5;
      const disputes = crisis ? between(random, CRISIS_DISPUTES, 4) : between(random, 0, CRISIS_DISPUTES - 1);
      const client: Client = {
        id: `client-${String(index).padStart(3, '0')}`,
        // Every brand is "客戶<n>號診所": none is a substring of another.
        brand: `客戶${index}號診所`,
        iteration: it,
        disputes,
        crisis,
        expectedLevel: crisis ? (disputes >= L2_DISPUTES ? 'L2' : 'L1') : null,
      };
      clients.push(client);
      for (let d = 0; d < disputes; d++) post(it, client, 'dispute');
      for (let b = between(random, 1, 2); b > 0; b--) post(it, client, 'benign');
    }
    for (let x = between(random, 1, 2); x > 0; x--) post(it, null, 'noise');
  }
  return { seed, clients, posts, spanMs };
}

/** The rule file of one client: L1 at two dispute mentions in the hour, L2 at three. */
export function clientRuleYaml(client: Client): string {
  return `id: ${client.id}
name: ${client.brand}
match:
  any: [${client.brand}]
topics:
  dispute: { name: 醫療糾紛, risk: high, terms: [醫療糾紛, 提告] }
volume: { bucket: 15m, window: 1h, baseline: 1d, minCount: 5, warmup: 1d }
levels:
  L2: { when: "highRisk >= ${L2_DISPUTES}", sla: { respond: 30m, resolve: 12h }, notify: [pr-lead] }
  L1: { when: "highRisk >= ${CRISIS_DISPUTES}", sla: { respond: 1h, resolve: 24h }, notify: [pr-lead] }
cooldown: 2h
`;
}
