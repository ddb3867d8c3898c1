import { createHash } from 'node:crypto';
import type { Mention } from '../core/types';

/**
 * Redaction of personal data in fetched text (the seeds' minimal-disclosure rule: keep only what
 * the work needs). A post that quotes someone's national ID number, phone number or e-mail address
 * is still evidence of a crisis; the number itself is not needed to handle it, so it is replaced by
 * a marker before the mention is scored, stored, indexed or put into an alert.
 *
 * What is recognised (half- and full-width characters alike, since posts mix both):
 * - `nationalId`: 身分證字號 and 居留證號 — a letter, then 1/2 (citizens), 8/9 (new resident
 *   certificates) or A–D (old resident certificates), then 8 digits: `A123456789`. The check digit is
 *   not required: a mistyped number is still someone's number.
 * - `phone`: mobile `09xx-xxx-xxx` (also `+886 9xx …`) and landline `(02) 2345-6789`, `04-2345678`,
 *   `+886-2-2345-6789`, with or without spaces, dashes and dots between the groups, and `#` extensions.
 * - `email`: `name@domain.tld` (also with a full-width ＠).
 *
 * Pure; the markers are plain zh-TW text so a reader sees that something was there.
 */

/** The kinds of personal data that can be redacted (`privacy.redact` in the main config). */
export const REDACTION_KINDS = ['nationalId', 'phone', 'email'] as const;
export type RedactionKind = (typeof REDACTION_KINDS)[number];

/** The marker each kind is replaced with. */
export const REDACTION_MARKERS: Record<RedactionKind, string> = {
  nationalId: '〔身分證號已遮蔽〕',
  phone: '〔電話已遮蔽〕',
  email: '〔Email 已遮蔽〕',
};

const D = '[0-9０-９]';
const L = '[A-Za-zＡ-Ｚａ-ｚ]';
const SEP = '[-‐－.．\\s]?';

/** Letter + 1/2/8/9/A–D + 8 digits, not inside a longer run of letters or digits. */
const NATIONAL_ID = new RegExp(`(?<![A-Za-z0-9Ａ-Ｚａ-ｚ０-９])${L}[1289１２８９A-Da-dＡ-Ｄａ-ｄ]${D}{8}(?![0-9０-９A-Za-z])`, 'gu');

/** Not glued to more digits (an ISBN, an order number) on either side, separators included. */
const BEFORE = '(?<![0-9０-９][-‐－.．]?)';
const AFTER = '(?![-‐－.．]?[0-9０-９])';

/** Mobile: 09xx xxx xxx, or +886 9xx xxx xxx (the country code with or without brackets). */
const MOBILE = new RegExp(`${BEFORE}(?:\\(?(?:[+＋]|00)886\\)?${SEP}\\(?[9９]|\\(?[0０][9９])${D}{2}\\)?${SEP}${D}{3}${SEP}${D}{3}${AFTER}`, 'gu');

/** Landline: area code 0x–0xxx (or +886 x), then 5–8 digits in one or two groups, optional extension. */
const LANDLINE = new RegExp(
  `${BEFORE}(?:\\(?(?:[+＋]|00)886\\)?${SEP}\\(?[1-8１-８]${D}{0,2}\\)?|\\(?[0０][1-8１-８]${D}{0,2}\\)?)${SEP}${D}{3,4}${SEP}${D}{3,4}(?:${SEP}(?:#|＃|轉|分機|ext\\.?)\\s?${D}{1,5})?${AFTER}`,
  'giu',
);

const EMAIL = /(?<![\w.%+-])[\w.%+-]{1,64}[@＠][A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])/gu;

/** Digits of a candidate phone number (full-width folded), country code 886 turned into a leading 0. */
function phoneDigits(text: string): string {
  const digits = text.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\D/g, '');
  const national = digits.replace(/^(00)?886/, '0');
  return national.startsWith('0') ? national : `0${national}`;
}

/** Whether a landline candidate has the length of a Taiwanese number (9 or 10 digits with the area code). */
function plausibleLandline(match: string): boolean {
  const core = match.split(/#|＃|轉|分機|ext/i)[0]!;
  const n = phoneDigits(core).length;
  return n >= 9 && n <= 10;
}

/**
 * Replace the personal data of the given kinds in `text` with markers. Returns the text unchanged
 * (the same string) when there is nothing to replace or `kinds` is empty.
 */
export function redactPersonalData(text: string, kinds: readonly RedactionKind[]): string {
  if (kinds.length === 0 || text === '') return text;
  let out = text;
  // E-mail first: its local part may hold digits that look like a phone number.
  if (kinds.includes('email')) out = out.replace(EMAIL, REDACTION_MARKERS.email);
  if (kinds.includes('nationalId')) out = out.replace(NATIONAL_ID, REDACTION_MARKERS.nationalId);
  if (kinds.includes('phone')) {
    out = out.replace(MOBILE, REDACTION_MARKERS.phone);
    out = out.replace(LANDLINE, (m) => (plausibleLandline(m) ? REDACTION_MARKERS.phone : m));
  }
  return out;
}

/**
 * A mention with its title, body and author redacted, and `contentSha256` recomputed over the
 * redacted text (the hash is evidence of what was kept; a hash over the original would let anyone
 * holding the stored text recover a removed phone or ID number by trying them all). The same object
 * when nothing changed.
 */
export function redactMention<M extends Mention>(m: M, kinds: readonly RedactionKind[]): M {
  if (kinds.length === 0) return m;
  const title = redactPersonalData(m.title, kinds);
  const body = redactPersonalData(m.body, kinds);
  const author = m.author === null ? null : redactPersonalData(m.author, kinds);
  if (title === m.title && body === m.body && author === m.author) return m;
  return { ...m, title, body, author, contentSha256: createHash('sha256').update(`${title}\n${body}`).digest('hex') };
}
