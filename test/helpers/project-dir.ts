import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(__dirname, '..', '..');

/**
 * A throw-away copy of the shipped sample project (yuqing.yaml, rules/, connectors/) that a test
 * may edit. `write` adds or replaces a file; `cleanup` removes the folder.
 */
export function sampleProject(): { dir: string; config: string; write(rel: string, text: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'yuqing-project-'));
  cpSync(join(ROOT, 'yuqing.yaml'), join(dir, 'yuqing.yaml'));
  cpSync(join(ROOT, 'rules'), join(dir, 'rules'), { recursive: true });
  cpSync(join(ROOT, 'connectors'), join(dir, 'connectors'), { recursive: true });
  return {
    dir,
    config: join(dir, 'yuqing.yaml'),
    write(rel, text) {
      const path = join(dir, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
