/**
 * The outside world of bench/daemon-memory.ts, in a process of its own so that the daemon's memory
 * is measured alone: RSS feeds on loopback hosts, an SMTP catcher and a webhook receiver.
 *
 * Driven over IPC by the bench (`child_process.fork`):
 * - `{ type: 'advance', nowMs }` → feeds publish what the seeded schedule says up to `nowMs` (the
 *   simulated clock); the receiver checks webhook timestamps against it. Answers `{ type: 'advanced', published }`.
 * - `{ type: 'stats' }` → `{ type: 'stats', emails, webhooks, rejectedWebhooks, responses }`.
 * At start it answers `{ type: 'ready', feeds: string[], smtpPort, webhookUrl }`.
 *
 * Content: every feed has a 20-item window and an ETag; each 5-minute cycle a feed publishes a new
 * item with a probability that follows the day (busier 9:00–23:00 Taipei time). Of the items, 70 %
 * are unrelated news, 25 % mention one of the clinics in passing, 5 % are dispute posts about one of
 * a few troubled clinics (so crises, escalations and reminders happen).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SmtpCatcher } from '../src/demo/smtp-catcher';
import { WebhookReceiver } from '../src/demo/webhook-receiver';

const FEEDS = Number(process.env.BENCH_FEEDS ?? 200);
const HOSTS = Number(process.env.BENCH_HOSTS ?? 20);
const CLINICS = Number(process.env.BENCH_CLINICS ?? 100);
const SECRET = process.env.BENCH_WEBHOOK_SECRET ?? '';
const CYCLE_MS = 5 * 60_000;
const WINDOW = 20;

interface Item {
  n: number;
  title: string;
  body: string;
  atMs: number;
}

/** A deterministic hash of (feed, cycle) into [0, 1). */
function unit(a: number, b: number, salt: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + salt, 0xc2b2ae35);
  h ^= h >>> 13;
  h = Math.imul(h, 0x27d4eb2f);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Chance that a feed publishes in a cycle, by Taipei hour: quiet at night, busy in the day. */
function rate(atMs: number): number {
  const hour = (new Date(atMs).getUTCHours() + 8) % 24;
  return hour < 7 ? 0.03 : hour < 9 ? 0.1 : hour < 23 ? 0.2 : 0.08;
}

const FILLER = '記者現場採訪報導，相關單位表示將持續關注後續發展，民眾如有疑問可洽詢服務專線，詳細內容以官方公告為準。';

function makeItem(feed: number, cycle: number, n: number, atMs: number): Item {
  const r = unit(feed, cycle, 7);
  const clinic = Math.floor(unit(feed, cycle, 11) * CLINICS);
  if (r < 0.05) {
    // Dispute posts go to a few troubled clinics, so their volume adds up to crises.
    const troubled = [3, 17, 42, 58, 91][Math.floor(unit(feed, cycle, 13) * 5)]! % CLINICS;
    return { n, atMs, title: `客戶${troubled}號診所醫療糾紛 家屬揚言提告`, body: `客戶${troubled}號診所 療程後出現感染，家屬指控醫療疏失並向衛生局陳情，院方態度很差。${FILLER}` };
  }
  if (r < 0.3) return { n, atMs, title: `客戶${clinic}號診所 回診心得分享`, body: `在客戶${clinic}號診所做了療程，護理師親切，環境乾淨，整體滿意。${FILLER}` };
  return { n, atMs, title: `地方新聞 社區活動與市集 第 ${n} 則`, body: `週末社區市集熱鬧登場，吸引大批民眾參與。${FILLER}${FILLER}` };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function main(): Promise<void> {
  const feeds: Item[][] = Array.from({ length: FEEDS }, () => []);
  /** Items each feed ever published (item numbers and the ETag). */
  const counts = new Array<number>(FEEDS).fill(0);
  const totals = { emails: 0, webhooks: 0, rejectedWebhooks: 0 };
  let simNow = 0;
  let cycleDone = -1;
  let published = 0;
  const responses = { ok: 0, notModified: 0 };
  const servers: Server[] = [];
  const urls: string[] = [];
  const perHost = Math.ceil(FEEDS / HOSTS);
  for (let h = 0; h < HOSTS; h++) {
    const address = `127.0.1.${h + 1}`;
    const server = createServer((req, res) => {
      const f = h * perHost + Number(/\/feed\/(\d+)\.xml/.exec(req.url ?? '')?.[1] ?? -1);
      const items = feeds[f];
      if (!items) return void res.writeHead(404).end();
      const etag = `"f${f}-n${counts[f]}"`;
      if (req.headers['if-none-match'] === etag) {
        responses.notModified++;
        return void res.writeHead(304, { etag }).end();
      }
      responses.ok++;
      const body = items
        .slice(-WINDOW)
        .reverse()
        .map((i) => `<item><title>${esc(i.title)}</title><link>https://news${f}.example.tw/a/${i.n}</link><guid>f${f}-${i.n}</guid><pubDate>${new Date(i.atMs).toUTCString()}</pubDate><description>${esc(i.body)}</description></item>`)
        .join('');
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>feed ${f}</title><link>https://news${f}.example.tw/</link><description>bench</description>${body}</channel></rss>`);
    });
    await new Promise<void>((ok) => server.listen(0, address, ok));
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    for (let i = 0; i < perHost && urls.length < FEEDS; i++) urls.push(`http://${address}:${port}/feed/${i}.xml`);
  }
  const smtp = new SmtpCatcher();
  const hooks = new WebhookReceiver({ secret: SECRET, now: () => simNow });
  await smtp.start();
  await hooks.start();

  process.on('message', (m: { type: string; nowMs?: number }) => {
    if (m.type === 'advance') {
      simNow = m.nowMs!;
      const upTo = Math.floor(simNow / CYCLE_MS);
      if (cycleDone < 0) cycleDone = upTo - 1;
      for (let c = cycleDone + 1; c <= upTo; c++) {
        const atMs = c * CYCLE_MS - 60_000;
        for (let f = 0; f < FEEDS; f++) {
          if (unit(f, c, 3) >= rate(atMs)) continue;
          feeds[f]!.push(makeItem(f, c, counts[f]!++, atMs));
          if (feeds[f]!.length > 2 * WINDOW) feeds[f]!.splice(0, WINDOW);
          published++;
        }
      }
      cycleDone = upTo;
      process.send!({ type: 'advanced', published });
    } else if (m.type === 'stats') {
      // Parsed messages are not needed after counting: keep this process small too.
      totals.emails += smtp.messages.splice(0).length;
      totals.webhooks += hooks.deliveries.splice(0).length;
      totals.rejectedWebhooks += hooks.rejected.splice(0).length;
      process.send!({ type: 'stats', ...totals, responses });
    } else if (m.type === 'stop') {
      void Promise.all([smtp.stop(), hooks.stop(), ...servers.map((s) => new Promise((r) => s.close(r)))]).then(() => process.exit(0));
    }
  });
  process.send!({ type: 'ready', feeds: urls, smtpPort: smtp.port, webhookUrl: hooks.url });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
