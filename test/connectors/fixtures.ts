import { readFileSync } from 'node:fs';
import path from 'node:path';

export const FEEDS_DIR = path.join(__dirname, '..', 'fixtures', 'feeds');

/** The raw bytes of a committed feed fixture. */
export function feedBytes(name: string): Buffer {
  return readFileSync(path.join(FEEDS_DIR, name));
}

/** A UTF-8 feed fixture as text. */
export function feedText(name: string): string {
  return feedBytes(name).toString('utf8');
}

/** "Now" for every fixture: shortly after the newest item in them (2026-03-02 16:00 Taipei). */
export const FIXTURE_NOW_MS = Date.parse('2026-03-02T08:00:00Z');
