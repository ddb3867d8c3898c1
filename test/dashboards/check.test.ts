import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalog } from '../../scripts/dashboards/catalog';
import { dashboardsCheckCommand } from '../../src/cli/commands/dashboards';
import { memoryOutput } from '../../src/cli/output';
import { DEFAULT_NDJSON, readIndexTargets, readSavedObjects, readStableIds } from '../../src/dashboards/bundle';
import { checkDashboards } from '../../src/dashboards/check';
import { queryFields, scriptFields } from '../../src/dashboards/field-references';
import { toNdjson, type SavedObject } from '../../src/dashboards/saved-object';
import { ROOT } from '../helpers/project-dir';

const MAPPINGS = join(ROOT, 'src', 'store', 'elasticsearch', 'mappings');
const clone = (objects: SavedObject[]): SavedObject[] => JSON.parse(JSON.stringify(objects)) as SavedObject[];
const check = (objects: SavedObject[]) => checkDashboards({ objects, targets: readIndexTargets(), stableIds: readStableIds() });

/** A copy of the committed mappings with `edit` applied to the mentions template. */
function editedMappings(edit: (properties: Record<string, any>) => void): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'yuqing-mappings-'));
  cpSync(MAPPINGS, dir, { recursive: true });
  const file = join(dir, 'mentions-template.json');
  const t = JSON.parse(readFileSync(file, 'utf8'));
  edit(t.template.mappings.properties);
  writeFileSync(file, JSON.stringify(t, null, 2));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('yuqing dashboards check', () => {
  it('passes on the shipped saved objects and says how much it checked', () => {
    const out = memoryOutput();
    expect(dashboardsCheckCommand({}, out)).toBe(0);
    expect(out.stderr).toEqual([]);
    expect(out.stdout.join('\n')).toMatch(/20 個物件、\d{3} 個欄位引用、\d+ 個物件參照都對得上/);
  });

  it('fails, naming every object and the field, when a field the dashboards use is removed from the mapping', () => {
    const m = editedMappings((p) => delete p.sentiment.properties.label);
    try {
      const out = memoryOutput();
      expect(dashboardsCheckCommand({ mappings: m.dir }, out)).toBe(1);
      const err = out.stderr.join('\n');
      for (const object of ['lens/yuqing-lens-negative-share「情緒比例（負面比例）」', 'lens/yuqing-lens-volume-by-rule「提及聲量（依規則與情緒）」', 'lens/yuqing-lens-newest-negative「最新負面提及」', 'lens/yuqing-lens-window-mentions「窗口內的提及（證據）」']) {
        expect(err).toContain(`${object} 欄位 sentiment.label：`);
      }
      expect(err).toContain('不在 mentions-template.json 的對應中 (field not in the committed mapping)');
      expect(err).not.toMatch(/欄位 (?!sentiment\.label)/);
    } finally {
      m.cleanup();
    }
  });

  it('fails when a field stays but its type no longer fits the use (keyword → analysed text)', () => {
    const m = editedMappings((p) => (p.connector = { type: 'text' }));
    try {
      const out = memoryOutput();
      expect(dashboardsCheckCommand({ mappings: m.dir }, out)).toBe(1);
      expect(out.stderr.join('\n')).toContain('lens/yuqing-lens-sources「主要來源（連接器與來源種類）」 欄位 connector：layer main › column x (terms) 的欄位 connector 在對應中是 text');
    } finally {
      m.cleanup();
    }
  });

  it('fails when a field a runtime field reads is removed (the data view names it)', () => {
    const m = editedMappings((p) => delete p.ruleIds);
    try {
      const out = memoryOutput();
      expect(dashboardsCheckCommand({ mappings: m.dir }, out)).toBe(1);
      expect(out.stderr.join('\n')).toContain('index-pattern/yuqing-mentions「yuqing-mentions-*」 欄位 ruleIds：runtimeFieldMap.ruleId 使用的欄位 ruleIds');
    } finally {
      m.cleanup();
    }
  });

  it('fails on a reference to an object that is not in the bundle, and on a panel without its reference', () => {
    const objects = clone(readSavedObjects());
    const lens = objects.find((o) => o.id === 'yuqing-lens-top-sites')!;
    lens.references[0]!.id = 'yuqing-gone';
    const dash = objects.find((o) => o.id === 'yuqing-dashboard-overview')!;
    dash.references = dash.references.filter((r) => r.name !== 'p3:panel_p3');
    const messages = check(objects).problems.map((p) => `${p.object} ${p.message}`);
    expect(messages).toContain('lens/yuqing-lens-top-sites「主要網站」 參照 indexpattern-datasource-layer-main 指向不存在的 index-pattern/yuqing-gone (dangling reference)');
    expect(messages).toContain('dashboard/yuqing-dashboard-overview「輿情總覽」 面板 p3 的參照 p3:panel_p3 不存在 (panel reference missing)');
  });

  it('fails when a stable id disappears, when a new id is not listed, and on random-looking ids', () => {
    const objects = clone(readSavedObjects());
    objects.find((o) => o.id === 'yuqing-lens-topics')!.id = '3f0c8b1e-1d2a-4c55-9d7e-0a1b2c3d4e5f';
    const messages = check(objects).problems.map((p) => `${p.object} ${p.message}`);
    expect(messages.some((m) => m.startsWith('lens/yuqing-lens-topics stable-ids.json 列出的 id 不見了'))).toBe(true);
    expect(messages.some((m) => m.startsWith('lens/3f0c8b1e-1d2a-4c55-9d7e-0a1b2c3d4e5f「風險議題提及數」 新的 id 尚未列入'))).toBe(true);
    expect(messages.some((m) => m.includes('id 必須是固定、可讀的 yuqing-… 名稱'))).toBe(true);
  });

  it('refuses legacy visualizations and Lens state that names a column its layer lacks', () => {
    const objects = clone(readSavedObjects());
    objects.push({ type: 'visualization', id: 'yuqing-legacy', attributes: { title: '舊圖' }, references: [] });
    const lens = objects.find((o) => o.id === 'yuqing-lens-top-authors')!;
    (lens.attributes.state as { visualization: { layers: Array<{ xAccessor: string }> } }).visualization.layers[0]!.xAccessor = 'nope';
    const messages = check(objects).problems.map((p) => `${p.object} ${p.message}`);
    expect(messages.some((m) => m.startsWith('visualization/yuqing-legacy「舊圖」 不支援的物件類型 visualization'))).toBe(true);
    expect(messages).toContain('lens/yuqing-lens-top-authors「主要作者」 視覺化引用了不存在的欄 nope (visualization names an unknown column)');
  });

  it('ships exactly what the catalogue builds (dashboards/yuqing.ndjson is regenerated, not hand-edited)', () => {
    expect(readFileSync(DEFAULT_NDJSON, 'utf8')).toBe(toNdjson(catalog()));
  });

  it('labels every dashboard, visualization and data view in Traditional Chinese', () => {
    for (const o of readSavedObjects()) {
      const label = String(o.type === 'index-pattern' ? o.attributes.name : o.attributes.title);
      expect(`${o.id} ${label}`).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('field names in queries and scripts', () => {
  it('finds fields in KQL, skipping quoted values and keywords', () => {
    expect(queryFields('kind : "event" and not status:"open" or levelRank >= 2')).toEqual(['kind', 'status', 'levelRank']);
    expect(queryFields('url : "https://example.tw/a:b" and (evidence.topics : dispute)')).toEqual(['url', 'evidence.topics']);
    expect(queryFields('')).toEqual([]);
  });

  it("finds doc['…'] reads in Painless", () => {
    expect(scriptFields("for (def v : doc['ruleIds']) { emit(v); } if (doc[\"risk\"].size() > 0) {}")).toEqual(['ruleIds', 'risk']);
  });
});
