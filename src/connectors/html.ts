import { z } from 'zod';
import type { RawItem } from '../core/types';
import type { HttpResponse } from '../http/types';
import { defineConnector, type ConnectorRuntime, type PollResult, type Revisitor } from './define';
import { DetailQueue, fetchDetails } from './detail-queue';
import { parseHtmlDetail, parseHtmlList } from './html-list-parse';
import { isGone } from './item-errors';
import { revisitOptionsSchema, revisitPolicy } from './revisit-options';

/**
 * The `html` connector kind: any list page (a forum, a news list, a clinic's review page) read
 * with CSS selectors written in the connector file, so a user adds a site without code. With a
 * `detail` block each new item's own page is fetched for the full text (within a per-poll
 * budget) and stored items are revisited there. The page's charset is detected by the HTTP
 * client (Big5 sites work as declared in their `<meta charset>`). Every request obeys robots.txt.
 */

const selector = z.string().trim().min(1, { message: '選擇器不可為空 (selector must not be empty)' });

export const htmlOptionsSchema = z.strictObject({
  /** The list page. */
  url: z.url({ protocol: /^https?$/, message: '必須是 http 或 https 網址 (an http(s) URL)' }),
  selectors: z.strictObject({
    item: selector,
    link: selector,
    title: selector.optional(),
    date: selector.optional(),
    author: selector.optional(),
    body: selector.optional(),
  }),
  /** Fetch each new item's page for the full text. */
  detail: z
    .strictObject({
      body: selector,
      title: selector.optional(),
      date: selector.optional(),
      author: selector.optional(),
      maxPerPoll: z.number().int().min(1).max(50).default(5),
    })
    .optional(),
  /** Least gap between two requests to the site (ms). */
  minIntervalMs: z.number().int().min(0).default(2_000),
  maxItems: z.number().int().min(1).max(500).default(100),
  headers: z.record(z.string(), z.string()).optional(),
  /** Revisits of stored items (only with `detail`). */
  revisit: revisitOptionsSchema,
});

export type HtmlOptions = z.output<typeof htmlOptionsSchema>;

export const htmlConnector = defineConnector({
  kind: 'html',
  sourceType: 'forum',
  description: '任何列表頁：以 CSS 選擇器指定項目、標題、連結、日期、作者與內文，可選擇抓取內頁 (any HTML list page via CSS selectors, optional detail pages)',
  optionsSchema: htmlOptionsSchema,
  create(options) {
    const queue = new DetailQueue();
    const detailSel = options.detail;
    const policy = detailSel ? revisitPolicy(options.revisit) : undefined;

    function get(rt: ConnectorRuntime, url: string): Promise<HttpResponse> {
      return rt.http.request(url, {
        headers: { accept: 'text/html, application/xhtml+xml;q=0.9, */*;q=0.5', ...options.headers },
        conditional: false,
        robots: true,
        minHostIntervalMs: options.minIntervalMs,
        ...(rt.signal ? { signal: rt.signal } : {}),
      });
    }

    async function readDetail(rt: ConnectorRuntime, listed: RawItem): Promise<RawItem> {
      const res = await get(rt, listed.url);
      const d = parseHtmlDetail(res.text, res.url, detailSel!, rt.clock.now());
      if (d.dateProblem) rt.log.warn({ connector: rt.id, url: res.url, code: 'E_FEED_PARSE' }, `${d.dateProblem}，日期已捨棄 (date dropped)`);
      const { partial: _partial, text: _text, ...rest } = listed;
      return {
        ...rest,
        html: d.html,
        ...(d.title ? { title: d.title } : {}),
        ...(d.author ? { author: d.author } : {}),
        ...(d.publishedAt ? { publishedAt: d.publishedAt } : {}),
      };
    }

    async function poll(rt: ConnectorRuntime): Promise<PollResult> {
      const res = await get(rt, options.url);
      const parsed = parseHtmlList(res.text, res.url, options.selectors, rt.clock.now());
      const warnings = parsed.warnings.map((w) => `${rt.id} ${res.url} E_FEED_PARSE ${w}`);
      for (const w of parsed.warnings) rt.log.warn({ connector: rt.id, url: res.url, code: 'E_FEED_PARSE' }, w);
      const listed = parsed.items.slice(0, options.maxItems);
      if (!detailSel) return { items: listed, notModified: false, warnings };
      const items = await fetchDetails(rt, listed, {
        queue,
        max: detailSel.maxPerPoll,
        warnings,
        fetch: (item) => readDetail(rt, item),
      });
      return { items, notModified: false, warnings };
    }

    const revisit: Revisitor | undefined = policy && {
      policy,
      async fetch(rt, target) {
        try {
          return { status: 'present', item: await readDetail(rt, { url: target.url, title: target.title ?? '' }) };
        } catch (err) {
          if (isGone(err)) return { status: 'gone', detail: `HTTP ${err.status}（頁面已刪除 deleted）` };
          throw err;
        }
      },
    };
    return { poll, ...(revisit ? { revisit } : {}) };
  },
});
