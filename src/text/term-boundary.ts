/**
 * Word boundaries for Latin-script terms. Chinese has no spaces, so CJK terms match as plain
 * substrings; a Latin term must not match inside a longer word ("ace" in "place", "101" in "1010").
 */

function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);
}

/**
 * Whether the occurrence `text.slice(start, end)` stands on word boundaries where it needs to:
 * if it begins (ends) with a Latin letter or digit, the character before (after) it must not be
 * one. Occurrences starting and ending with CJK characters or punctuation always qualify.
 */
export function hasTermBoundaries(text: string, start: number, end: number): boolean {
  if (start > 0 && isWordChar(text.charCodeAt(start)) && isWordChar(text.charCodeAt(start - 1))) return false;
  if (end < text.length && isWordChar(text.charCodeAt(end - 1)) && isWordChar(text.charCodeAt(end))) return false;
  return true;
}

/** {@link hasTermBoundaries} over the first `n` code units of `units` instead of a string. */
export function hasTermBoundariesIn(units: Uint16Array, n: number, start: number, end: number): boolean {
  if (start > 0 && isWordChar(units[start]!) && isWordChar(units[start - 1]!)) return false;
  if (end < n && isWordChar(units[end - 1]!) && isWordChar(units[end]!)) return false;
  return true;
}

/** Whether occurrences of `term` can fail {@link hasTermBoundaries}: it begins or ends with a Latin letter or digit. */
export function needsTermBoundaries(term: string): boolean {
  return term.length > 0 && (isWordChar(term.charCodeAt(0)) || isWordChar(term.charCodeAt(term.length - 1)));
}
