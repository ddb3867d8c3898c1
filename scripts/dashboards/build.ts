/**
 * Writes `dashboards/yuqing.ndjson` from the catalogue (scripts/dashboards/catalog.ts).
 *   npx tsx scripts/dashboards/build.ts
 * Then run `npx yuqing dashboards check`; a new object's id also goes into dashboards/stable-ids.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toNdjson } from '../../src/dashboards/saved-object';
import { catalog } from './catalog';

const file = join(__dirname, '..', '..', 'dashboards', 'yuqing.ndjson');
writeFileSync(file, toNdjson(catalog()));
process.stdout.write(`wrote ${file}\n`);
