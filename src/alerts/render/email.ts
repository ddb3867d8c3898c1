import type { AlertNotice } from '../types';
import { buildAlertFacts, type AlertFactsOptions } from './alert-facts';
import { renderEmailHtml } from './email-html';
import { renderEmailText } from './email-text';

/** A rendered alert email: one-line subject, a plain-text part and an HTML part with the same facts. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Render one alert notice as a zh-TW email for a PR lead who must act at once: subject with level,
 * event and respond deadline; body with what the level means, why it fired (condition in words and
 * as written), volume vs baseline over the window, negative share, risk topics, top terms and
 * sources, deadlines with time left, the ack link, sample mentions and the evidence table; rule id,
 * version and idempotency key in the footer. Times are shown in `notice.timeZone`.
 *
 * Pure. `options.nowMs` sets when "time left" is measured from (default: the event time); the email
 * notifier passes the send time so a retried message does not claim stale time left.
 */
export function renderEmail(notice: AlertNotice, options: AlertFactsOptions = {}): RenderedEmail {
  const facts = buildAlertFacts(notice, options);
  return { subject: facts.subject, text: renderEmailText(facts), html: renderEmailHtml(facts) };
}
