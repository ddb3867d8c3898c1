import { readFileSync } from 'node:fs';
import path from 'node:path';

export const FIXTURES_DIR = path.join(__dirname, '..', 'fixtures');
export const FEEDS_DIR = path.join(FIXTURES_DIR, 'feeds');

/** The raw bytes of any committed fixture, by path under test/fixtures (`ptt/index-new.html`). */
export function fixtureBytes(relative: string): Buffer {
  return readFileSync(path.join(FIXTURES_DIR, relative));
}

/** A UTF-8 fixture as text, by path under test/fixtures. */
export function fixtureText(relative: string): string {
  return fixtureBytes(relative).toString('utf8');
}

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
