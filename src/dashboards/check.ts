import { controlDataView, dashboardControls, fieldReferences, lensLayerDataView, lensLayers, runtimeFieldsOf, type FieldUse } from './field-references';
import { targetsOfTitle, type IndexTarget } from './mapping-fields';
import { describeObject, isRecord, type SavedObject } from './saved-object';

/**
 * `yuqing dashboards check`: the shipped saved objects against the committed index mappings.
 *
 * - every field an object names exists in the mapping of the indices its data view reads (or is a
 *   runtime field of that data view), with a type its use accepts (a date histogram needs a date,
 *   top values need a keyword or number, not analysed text …);
 * - every reference between objects resolves inside the bundle, and every Lens layer, dashboard
 *   panel and control has the reference Kibana looks up;
 * - every Lens visualization names only columns its layer has;
 * - ids are unique, readable (`yuqing-…`) and the same as in the committed list of stable ids,
 *   because dashboards, bookmarks and links in other people's notes point at them;
 * - only data views, Lens visualizations and dashboards are shipped (no legacy visualizations).
 */

/** Object types the bundle may contain. */
export const ALLOWED_TYPES = ['index-pattern', 'lens', 'dashboard'] as const;

/** Stable ids look like this: lower-case, hyphenated, prefixed. */
export const STABLE_ID_PATTERN = /^yuqing-[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The committed list of ids that must never change (`dashboards/stable-ids.json`). */
export interface StableIds {
  objects: Array<{ type: string; id: string }>;
}

/** One problem, naming the object and, for field problems, the field. */
export interface DashboardProblem {
  /** `lens/yuqing-lens-top-sites「主要網站」` */
  object: string;
  field?: string;
  message: string;
}

export interface CheckInput {
  objects: readonly SavedObject[];
  /** The committed templates (see `indexTarget`). */
  targets: readonly IndexTarget[];
  stableIds: StableIds;
}

export interface CheckReport {
  problems: DashboardProblem[];
  /** Counts for the summary line. */
  objects: number;
  fieldReferences: number;
  references: number;
}

type Kind = 'keyword' | 'text' | 'number' | 'date' | 'boolean' | 'ip' | 'flattened' | 'other';

const KIND: Record<string, Kind> = {
  keyword: 'keyword', constant_keyword: 'keyword', wildcard: 'keyword',
  text: 'text', match_only_text: 'text',
  long: 'number', integer: 'number', short: 'number', byte: 'number', double: 'number', float: 'number', half_float: 'number', scaled_float: 'number', unsigned_long: 'number',
  date: 'date', date_nanos: 'date',
  boolean: 'boolean', ip: 'ip', flattened: 'flattened',
};

const AGGREGATABLE: readonly Kind[] = ['keyword', 'number', 'date', 'boolean', 'ip'];

/** The types each use accepts, and how to say so. */
const ACCEPTS: Record<FieldUse, { kinds: readonly Kind[] | 'any'; zh: string }> = {
  time: { kinds: ['date'], zh: '時間欄位必須是 date' },
  date_histogram: { kinds: ['date'], zh: '時間直方圖需要 date 欄位' },
  terms: { kinds: AGGREGATABLE, zh: '熱門值需要 keyword、數字、日期、布林或 IP 欄位（不能是分詞的 text）' },
  count: { kinds: [...AGGREGATABLE, 'text'], zh: '計數需要可搜尋的欄位' },
  unique_count: { kinds: AGGREGATABLE, zh: '相異值計數需要 keyword、數字、日期、布林或 IP 欄位' },
  min: { kinds: ['number', 'date'], zh: '最小值需要數字或 date 欄位' },
  max: { kinds: ['number', 'date'], zh: '最大值需要數字或 date 欄位' },
  sum: { kinds: ['number'], zh: '加總需要數字欄位' },
  average: { kinds: ['number'], zh: '平均需要數字欄位' },
  median: { kinds: ['number'], zh: '中位數需要數字欄位' },
  percentile: { kinds: ['number'], zh: '百分位數需要數字欄位' },
  range: { kinds: ['number'], zh: '區間需要數字欄位' },
  last_value: { kinds: AGGREGATABLE, zh: '最後值需要有 doc values 的欄位（不能是 text）' },
  sort: { kinds: ['date'], zh: '排序時間需要 date 欄位' },
  query: { kinds: 'any', zh: '' },
  format: { kinds: 'any', zh: '' },
  label: { kinds: 'any', zh: '' },
  control: { kinds: ['keyword', 'number', 'date', 'boolean', 'ip'], zh: '選項控制項需要 keyword、數字、日期、布林或 IP 欄位' },
  range_control: { kinds: ['number'], zh: '範圍控制項需要數字欄位' },
  runtime_source: { kinds: AGGREGATABLE, zh: "執行期欄位的 doc['…'] 需要有 doc values 的欄位（不能是 text）" },
  other: { kinds: 'any', zh: '' },
};

/** Field → Elasticsearch type as one data view sees it: its indices' mappings plus its runtime fields. */
function dataViewFields(dv: SavedObject, targets: readonly IndexTarget[]): { fields: Map<string, string>; indices: string[] } {
  const title = typeof dv.attributes.title === 'string' ? dv.attributes.title : '';
  const matched = targetsOfTitle(title, targets);
  const fields = new Map<string, string>();
  for (const t of matched) for (const [f, type] of t.fields) fields.set(f, type);
  for (const [name, def] of Object.entries(runtimeFieldsOf(dv))) fields.set(name, def.type);
  return { fields, indices: matched.map((t) => t.name) };
}

/** Run every check. Pure; the CLI prints the report. */
export function checkDashboards(input: CheckInput): CheckReport {
  const problems: DashboardProblem[] = [];
  const byKey = new Map<string, SavedObject>();
  let fieldRefCount = 0;
  let refCount = 0;

  for (const o of input.objects) {
    const name = describeObject(o);
    const key = `${o.type}/${o.id}`;
    if (byKey.has(key)) problems.push({ object: name, message: `id 重複：同一類型有兩個 ${o.id} (duplicate id)` });
    byKey.set(key, o);
    if (!(ALLOWED_TYPES as readonly string[]).includes(o.type)) {
      problems.push({ object: name, message: `不支援的物件類型 ${o.type}：只出貨資料檢視、Lens 視覺化與儀表板 (only index-pattern, lens and dashboard objects; no legacy visualizations)` });
    }
    if (!STABLE_ID_PATTERN.test(o.id)) problems.push({ object: name, message: `id 必須是固定、可讀的 yuqing-… 名稱，不能是隨機 UUID (ids must be stable yuqing-… slugs)` });
  }

  // Stable ids: nothing listed may disappear, nothing unlisted may appear.
  const listed = new Set(input.stableIds.objects.map((s) => `${s.type}/${s.id}`));
  for (const s of input.stableIds.objects) {
    if (!byKey.has(`${s.type}/${s.id}`)) problems.push({ object: `${s.type}/${s.id}`, message: 'stable-ids.json 列出的 id 不見了：已匯入的儀表板、書籤與連結都指向它，請保留原 id (a stable id was removed or renamed)' });
  }
  for (const key of byKey.keys()) {
    if (!listed.has(key)) problems.push({ object: describeObject(byKey.get(key)!), message: '新的 id 尚未列入 dashboards/stable-ids.json；列入即承諾不再更改 (new id not in the stable-ids list)' });
  }

  // References resolve inside the bundle.
  for (const o of input.objects) {
    for (const r of o.references) {
      refCount++;
      if (!byKey.has(`${r.type}/${r.id}`)) problems.push({ object: describeObject(o), message: `參照 ${r.name} 指向不存在的 ${r.type}/${r.id} (dangling reference)` });
    }
  }

  const dataViews = new Map<string, { fields: Map<string, string>; indices: string[]; name: string }>();
  for (const o of input.objects) {
    if (o.type !== 'index-pattern') continue;
    const dv = dataViewFields(o, input.targets);
    dataViews.set(o.id, { ...dv, name: describeObject(o) });
    if (dv.indices.length === 0) problems.push({ object: describeObject(o), message: `索引樣式「${String(o.attributes.title)}」不對應任何已提交的索引對應 (title matches no committed template)` });
  }

  for (const o of input.objects) {
    const name = describeObject(o);
    if (o.type === 'lens') checkLensStructure(o, name, problems);
    if (o.type === 'dashboard') checkDashboardStructure(o, name, problems);
    for (const ref of fieldReferences(o)) {
      fieldRefCount++;
      const views = ref.dataView === '*' ? [...dataViews.values()] : [dataViews.get(ref.dataView)].filter((v) => v !== undefined);
      if (views.length === 0) {
        problems.push({ object: name, field: ref.field, message: `${ref.where} 的欄位 ${ref.field} 所屬的資料檢視 ${ref.dataView} 不存在 (data view not found)` });
        continue;
      }
      const found = views.map((v) => v.fields.get(ref.field)).find((t) => t !== undefined);
      if (found === undefined) {
        const where = views.map((v) => v.indices.join('+') || v.name).join('／');
        problems.push({ object: name, field: ref.field, message: `${ref.where} 使用的欄位 ${ref.field} 不在 ${where} 的對應中 (field not in the committed mapping)` });
        continue;
      }
      const accepts = ACCEPTS[ref.use];
      const kind = KIND[found] ?? 'other';
      if (accepts.kinds !== 'any' && !accepts.kinds.includes(kind)) {
        problems.push({ object: name, field: ref.field, message: `${ref.where} 的欄位 ${ref.field} 在對應中是 ${found}：${accepts.zh} (incompatible field type for ${ref.use})` });
      }
    }
  }
  return { problems, objects: input.objects.length, fieldReferences: fieldRefCount, references: refCount };
}

/** Every Lens layer has its data view reference, and the visualization names only existing columns. */
function checkLensStructure(o: SavedObject, name: string, problems: DashboardProblem[]): void {
  const layers = lensLayers(o);
  if (Object.keys(layers).length === 0) problems.push({ object: name, message: 'Lens 物件沒有任何資料圖層 (no form-based layers)' });
  const columns = new Set<string>();
  for (const [layerId, layer] of Object.entries(layers)) {
    if (!lensLayerDataView(o, layerId)) problems.push({ object: name, message: `圖層 ${layerId} 缺少參照 indexpattern-datasource-layer-${layerId} (layer without data view reference)` });
    const own = Object.keys(layer.columns ?? {});
    for (const c of own) columns.add(c);
    for (const c of layer.columnOrder ?? []) if (!own.includes(c)) problems.push({ object: name, message: `圖層 ${layerId} 的 columnOrder 列出不存在的欄 ${c} (unknown column)` });
  }
  const state = isRecord(o.attributes.state) ? o.attributes.state : {};
  for (const id of accessorsOf(state.visualization)) {
    if (!columns.has(id)) problems.push({ object: name, message: `視覺化引用了不存在的欄 ${id} (visualization names an unknown column)` });
  }
}

/** Column ids a Lens visualization state points at (XY layers, datatable columns, metric accessors). */
function accessorsOf(vis: unknown): string[] {
  if (!isRecord(vis)) return [];
  const out: string[] = [];
  const take = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
  };
  for (const k of ['metricAccessor', 'secondaryMetricAccessor', 'maxAccessor', 'breakdownByAccessor']) take(vis[k]);
  for (const l of Array.isArray(vis.layers) ? vis.layers : []) {
    if (!isRecord(l)) continue;
    take(l.xAccessor);
    take(l.splitAccessor);
    for (const a of Array.isArray(l.accessors) ? l.accessors : []) take(a);
  }
  for (const c of Array.isArray(vis.columns) ? vis.columns : []) if (isRecord(c)) take(c.columnId);
  return out;
}

/** Every panel and control has the reference Kibana resolves it by. */
function checkDashboardStructure(o: SavedObject, name: string, problems: DashboardProblem[]): void {
  let panels: unknown;
  try {
    panels = JSON.parse(String(o.attributes.panelsJSON ?? '[]'));
  } catch {
    problems.push({ object: name, message: 'panelsJSON 不是有效的 JSON (panelsJSON does not parse)' });
    return;
  }
  for (const p of Array.isArray(panels) ? panels : []) {
    if (!isRecord(p)) continue;
    const index = String(p.panelIndex ?? '');
    const refName = typeof p.panelRefName === 'string' ? p.panelRefName : undefined;
    if (!refName) {
      problems.push({ object: name, message: `面板 ${index} 沒有 panelRefName：儀表板只以參照方式放入已出貨的 Lens 物件 (panel is not by reference)` });
      continue;
    }
    const ref = o.references.find((r) => r.name === `${index}:${refName}` || r.name === refName);
    if (!ref) problems.push({ object: name, message: `面板 ${index} 的參照 ${index}:${refName} 不存在 (panel reference missing)` });
    else if (ref.type !== 'lens') problems.push({ object: name, message: `面板 ${index} 參照 ${ref.type}/${ref.id}：只允許 Lens (panels must be Lens visualizations)` });
  }
  for (const [id, c] of Object.entries(dashboardControls(o))) {
    if (!controlDataView(o, id, c)) problems.push({ object: name, message: `控制項 ${id} 沒有資料檢視參照 controlGroup_${id}:…DataView (control without data view)` });
  }
}
