import { isRecord, parseJsonAttribute, type SavedObject } from './saved-object';

/**
 * Every place a saved object names a field, with what it does with it (so the checker can tell
 * whether the mapped type fits). Pure: reads the object, resolves nothing.
 */

/** What a field is used for; each use accepts some Elasticsearch types (see `check.ts`). */
export type FieldUse =
  | 'time'
  | 'date_histogram'
  | 'terms'
  | 'count'
  | 'unique_count'
  | 'min'
  | 'max'
  | 'sum'
  | 'average'
  | 'median'
  | 'percentile'
  | 'range'
  | 'last_value'
  | 'sort'
  | 'query'
  | 'format'
  | 'label'
  | 'control'
  | 'range_control'
  | 'runtime_source'
  | 'other';

/** One field reference. `dataView` is the id of the data view the field must belong to, or `*` for "any of the bundle's". */
export interface FieldReference {
  dataView: string;
  field: string;
  use: FieldUse;
  /** Where in the object, for messages: `layer volume › column split`. */
  where: string;
}

/** A problem found while reading the object's structure (not about fields), e.g. a JSON attribute that does not parse. */
export interface StructureProblem {
  message: string;
}

const OPERATION_USE: Record<string, FieldUse> = {
  date_histogram: 'date_histogram',
  terms: 'terms',
  count: 'count',
  unique_count: 'unique_count',
  min: 'min',
  max: 'max',
  sum: 'sum',
  average: 'average',
  median: 'median',
  percentile: 'percentile',
  percentile_rank: 'percentile',
  standard_deviation: 'average',
  range: 'range',
  last_value: 'last_value',
};

/** Lens' pseudo-field for "count of records". */
export const RECORDS_FIELD = '___records___';

/**
 * Field names a KQL or Lucene query text names (`sentiment.label : "negative" and not kind:event`
 * → `sentiment.label`, `kind`). Quoted values are skipped, so a URL in quotes names nothing.
 */
export function queryFields(query: string): string[] {
  const unquoted = query.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const out = new Set<string>();
  for (const m of unquoted.matchAll(/(?:^|[\s(])([A-Za-z_@][\w.@-]*)\s*(?::|<=|>=|<|>)/g)) out.add(m[1]!);
  return [...out];
}

/** Fields a Painless runtime-field script reads through `doc['…']` / `doc["…"]`. */
export function scriptFields(source: string): string[] {
  return [...new Set([...source.matchAll(/doc\[\s*['"]([^'"]+)['"]\s*\]/g)].map((m) => m[1]!))];
}

/** The runtime fields a data view defines: name → type. */
export function runtimeFieldsOf(dataView: SavedObject): Record<string, { type: string; script?: { source?: string } }> {
  return parseJsonAttribute<Record<string, { type: string; script?: { source?: string } }>>(dataView.attributes.runtimeFieldMap, {});
}

function query(ref: (r: Omit<FieldReference, 'use'>) => void, q: unknown, dataView: string, where: string): void {
  if (isRecord(q) && typeof q.query === 'string') for (const field of queryFields(q.query)) ref({ dataView, field, where });
}

function dataViewRefs(o: SavedObject, out: FieldReference[]): void {
  const a = o.attributes;
  if (typeof a.timeFieldName === 'string' && a.timeFieldName !== '') out.push({ dataView: o.id, field: a.timeFieldName, use: 'time', where: 'timeFieldName' });
  for (const [name, def] of Object.entries(runtimeFieldsOf(o))) {
    for (const field of scriptFields(def.script?.source ?? '')) out.push({ dataView: o.id, field, use: 'runtime_source', where: `runtimeFieldMap.${name}` });
  }
  for (const field of Object.keys(parseJsonAttribute<Record<string, unknown>>(a.fieldFormatMap, {}))) out.push({ dataView: o.id, field, use: 'format', where: 'fieldFormatMap' });
  for (const field of Object.keys(parseJsonAttribute<Record<string, unknown>>(a.fieldAttrs, {}))) out.push({ dataView: o.id, field, use: 'label', where: 'fieldAttrs' });
}

interface LensColumn {
  operationType?: string;
  sourceField?: string;
  filter?: { query?: string };
  params?: { secondaryFields?: string[]; sortField?: string; filters?: Array<{ input?: { query?: string } }> };
}

/** The layers of a Lens object's form-based datasource (`indexpattern` in objects saved before 8.6). */
export function lensLayers(o: SavedObject): Record<string, { columns?: Record<string, LensColumn>; columnOrder?: string[] }> {
  const state = isRecord(o.attributes.state) ? o.attributes.state : {};
  const ds = isRecord(state.datasourceStates) ? state.datasourceStates : {};
  const fb = (isRecord(ds.formBased) ? ds.formBased : isRecord(ds.indexpattern) ? ds.indexpattern : {}) as { layers?: unknown };
  return isRecord(fb.layers) ? (fb.layers as ReturnType<typeof lensLayers>) : {};
}

/** The data view id of a Lens layer, from its `indexpattern-datasource-layer-<id>` reference. */
export function lensLayerDataView(o: SavedObject, layerId: string): string | undefined {
  return o.references.find((r) => r.name === `indexpattern-datasource-layer-${layerId}`)?.id;
}

function lensRefs(o: SavedObject, out: FieldReference[]): void {
  const state = isRecord(o.attributes.state) ? o.attributes.state : {};
  const layers = lensLayers(o);
  const views = new Set<string>();
  for (const [layerId, layer] of Object.entries(layers)) {
    const dataView = lensLayerDataView(o, layerId) ?? `(layer ${layerId} has no data view reference)`;
    views.add(dataView);
    for (const [columnId, c] of Object.entries(layer.columns ?? {})) {
      const where = `layer ${layerId} › column ${columnId}`;
      const use = OPERATION_USE[c.operationType ?? ''] ?? 'other';
      if (typeof c.sourceField === 'string' && c.sourceField !== RECORDS_FIELD) out.push({ dataView, field: c.sourceField, use, where: `${where} (${c.operationType})` });
      for (const f of c.params?.secondaryFields ?? []) out.push({ dataView, field: f, use: 'terms', where: `${where} (terms, secondary)` });
      if (typeof c.params?.sortField === 'string') out.push({ dataView, field: c.params.sortField, use: 'sort', where: `${where} (sortField)` });
      query((r) => out.push({ ...r, use: 'query' }), c.filter, dataView, `${where} (filter)`);
      for (const f of c.params?.filters ?? []) query((r) => out.push({ ...r, use: 'query' }), f.input, dataView, `${where} (filters)`);
    }
  }
  // The visualization's query applies to every layer.
  for (const dataView of views) query((r) => out.push({ ...r, use: 'query' }), state.query, dataView, 'state.query');
}

interface ControlPanel {
  type?: string;
  explicitInput?: { fieldName?: string; dataViewId?: string; title?: string };
}

/** The controls of a dashboard's control group: id → panel. */
export function dashboardControls(o: SavedObject): Record<string, ControlPanel> {
  const group = isRecord(o.attributes.controlGroupInput) ? o.attributes.controlGroupInput : {};
  return parseJsonAttribute<Record<string, ControlPanel>>(group.panelsJSON, {});
}

/** The data view id a control reads, from `explicitInput.dataViewId` or its `controlGroup_<id>:…DataView` reference. */
export function controlDataView(o: SavedObject, controlId: string, control: ControlPanel): string | undefined {
  return control.explicitInput?.dataViewId ?? o.references.find((r) => r.name.startsWith(`controlGroup_${controlId}:`) && r.type === 'index-pattern')?.id;
}

function dashboardRefs(o: SavedObject, out: FieldReference[]): void {
  for (const [id, c] of Object.entries(dashboardControls(o))) {
    const field = c.explicitInput?.fieldName;
    if (!field) continue;
    const dataView = controlDataView(o, id, c) ?? `(control ${id} has no data view reference)`;
    out.push({ dataView, field, use: c.type === 'rangeSliderControl' ? 'range_control' : 'control', where: `control ${id}${c.explicitInput?.title ? `「${c.explicitInput.title}」` : ''}` });
  }
  const meta = isRecord(o.attributes.kibanaSavedObjectMeta) ? o.attributes.kibanaSavedObjectMeta : {};
  const source = parseJsonAttribute<{ query?: unknown }>(meta.searchSourceJSON, {});
  query((r) => out.push({ ...r, use: 'query' }), source.query, '*', 'searchSourceJSON.query');
}

/** Every field reference of one saved object (data views, Lens visualizations, dashboards; other types name none here). */
export function fieldReferences(o: SavedObject): FieldReference[] {
  const out: FieldReference[] = [];
  if (o.type === 'index-pattern') dataViewRefs(o, out);
  else if (o.type === 'lens') lensRefs(o, out);
  else if (o.type === 'dashboard') dashboardRefs(o, out);
  return out;
}
