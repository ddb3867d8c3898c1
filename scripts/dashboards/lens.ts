import type { SavedObject } from '../../src/dashboards/saved-object';

/**
 * Small builders for the Kibana 8 saved objects in `dashboards/yuqing.ndjson` (data views, Lens
 * visualizations, dashboards), so the catalogue reads as what it shows rather than as JSON.
 * Shapes follow what Kibana 8.9+ exports: `formBased` layers, by-reference dashboard panels,
 * control groups with data-view references. Migration markers say the documents already have
 * those shapes, so Kibana runs only the migrations that came after.
 */

export const CORE_MIGRATION_VERSION = '8.8.0';
const TYPE_MIGRATION_VERSION: Record<string, string> = { 'index-pattern': '8.0.0', lens: '8.9.0', dashboard: '8.9.0' };
/** Panel (embeddable) version recorded in panelsJSON. */
const PANEL_VERSION = '8.9.0';

export type Column = Record<string, unknown>;

function labelled(label: string): { label: string; customLabel: true } {
  return { label, customLabel: true };
}

/** Lens column builders. Every column carries a zh-TW label. */
export const col = {
  dateHistogram(label: string, field = 'at'): Column {
    return { ...labelled(label), dataType: 'date', operationType: 'date_histogram', sourceField: field, isBucketed: true, scale: 'interval', params: { interval: 'auto', includeEmptyRows: true, dropPartials: false } };
  },
  count(label: string, filter?: string): Column {
    return { ...labelled(label), dataType: 'number', operationType: 'count', sourceField: '___records___', isBucketed: false, scale: 'ratio', params: { emptyAsNull: false }, ...(filter ? { filter: { query: filter, language: 'kuery' } } : {}) };
  },
  /** Top values of `field` (and `secondary` fields, as one combined series), ordered by `orderBy` column, descending. */
  terms(label: string, field: string, o: { size: number; orderBy?: string; secondary?: string[]; dataType?: 'string' | 'number' }): Column {
    return {
      ...labelled(label),
      dataType: o.dataType ?? 'string',
      operationType: 'terms',
      sourceField: field,
      isBucketed: true,
      scale: 'ordinal',
      params: {
        size: o.size,
        orderBy: o.orderBy ? { type: 'column', columnId: o.orderBy } : { type: 'alphabetical', fallback: true },
        orderDirection: o.orderBy ? 'desc' : 'asc',
        otherBucket: false,
        missingBucket: false,
        parentFormat: { id: o.secondary ? 'multi_terms' : 'terms' },
        ...(o.secondary ? { secondaryFields: o.secondary } : {}),
      },
    };
  },
  max(label: string, field: string, dataType: 'date' | 'number'): Column {
    return { ...labelled(label), dataType, operationType: 'max', sourceField: field, isBucketed: false, scale: dataType === 'date' ? 'interval' : 'ratio', params: { emptyAsNull: true } };
  },
  min(label: string, field: string, dataType: 'date' | 'number'): Column {
    return { ...labelled(label), dataType, operationType: 'min', sourceField: field, isBucketed: false, scale: dataType === 'date' ? 'interval' : 'ratio', params: { emptyAsNull: true } };
  },
  uniqueCount(label: string, field: string, filter?: string): Column {
    return { ...labelled(label), dataType: 'number', operationType: 'unique_count', sourceField: field, isBucketed: false, scale: 'ratio', params: { emptyAsNull: false }, ...(filter ? { filter: { query: filter, language: 'kuery' } } : {}) };
  },
  /** The value of `field` on the newest document of the bucket (by `sortField`). */
  lastValue(label: string, field: string, dataType: 'string' | 'number' | 'date', sortField = 'at'): Column {
    return { ...labelled(label), dataType, operationType: 'last_value', sourceField: field, isBucketed: false, scale: dataType === 'number' ? 'ratio' : 'ordinal', params: { sortField, showArrayValues: true } };
  },
};

export interface LensSpec {
  id: string;
  title: string;
  description: string;
  dataView: string;
  /** Column id → column, in column order. One layer (`main`). */
  columns: Array<[string, Column]>;
  /** KQL applied to the whole visualization. */
  query?: string;
  visualizationType: 'lnsXY' | 'lnsDatatable' | 'lnsMetric';
  visualization: Record<string, unknown>;
}

export const LAYER = 'main';

/** A Lens saved object with one form-based layer on `dataView`. */
export function lens(spec: LensSpec): SavedObject {
  return {
    type: 'lens',
    id: spec.id,
    attributes: {
      title: spec.title,
      description: spec.description,
      visualizationType: spec.visualizationType,
      state: {
        datasourceStates: {
          formBased: { layers: { [LAYER]: { columns: Object.fromEntries(spec.columns), columnOrder: spec.columns.map(([id]) => id), incompleteColumns: {} } } },
        },
        visualization: spec.visualization,
        query: { query: spec.query ?? '', language: 'kuery' },
        filters: [],
        internalReferences: [],
        adHocDataViews: {},
      },
    },
    references: [{ type: 'index-pattern', id: spec.dataView, name: `indexpattern-datasource-layer-${LAYER}` }],
    coreMigrationVersion: CORE_MIGRATION_VERSION,
    typeMigrationVersion: TYPE_MIGRATION_VERSION.lens!,
  };
}

type SeriesType = 'bar_stacked' | 'bar_percentage_stacked' | 'bar_horizontal' | 'bar_horizontal_stacked' | 'line' | 'area_stacked';

/** XY chart state: x, y accessors and an optional split, one layer. */
export function xy(seriesType: SeriesType, x: string, y: string[], split?: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    legend: { isVisible: split !== undefined, position: 'right', legendSize: 'auto' },
    valueLabels: 'hide',
    fittingFunction: 'None',
    axisTitlesVisibilitySettings: { x: false, yLeft: true, yRight: true },
    tickLabelsVisibilitySettings: { x: true, yLeft: true, yRight: true },
    gridlinesVisibilitySettings: { x: true, yLeft: true, yRight: true },
    preferredSeriesType: seriesType,
    layers: [{ layerId: LAYER, layerType: 'data', seriesType, xAccessor: x, accessors: y, ...(split ? { splitAccessor: split } : {}) }],
    ...extra,
  };
}

/** Datatable state showing `columns` in order, optionally sorted. */
export function table(columns: string[], sortBy?: string): Record<string, unknown> {
  return {
    layerId: LAYER,
    layerType: 'data',
    columns: columns.map((columnId) => ({ columnId, isTransposed: false })),
    rowHeight: 'auto',
    rowHeightLines: 2,
    ...(sortBy ? { sorting: { columnId: sortBy, direction: 'desc' } } : {}),
  };
}

/** Metric state: a main value and an optional secondary one. */
export function metric(main: string, secondary?: string): Record<string, unknown> {
  return { layerId: LAYER, layerType: 'data', metricAccessor: main, ...(secondary ? { secondaryMetricAccessor: secondary } : {}) };
}

export interface DataViewSpec {
  id: string;
  title: string;
  name: string;
  timeFieldName: string;
  /** Field → zh-TW label shown in Discover and Lens. */
  labels: Record<string, string>;
  /** Fields shown as clickable links. */
  links: string[];
  /** Runtime fields: name → type and Painless source. */
  runtime?: Record<string, { type: 'keyword'; source: string }>;
}

/** A data view (saved object type `index-pattern`). */
export function dataView(spec: DataViewSpec): SavedObject {
  const link = { id: 'url', params: { type: 'a', urlTemplate: null, labelTemplate: null } };
  return {
    type: 'index-pattern',
    id: spec.id,
    attributes: {
      title: spec.title,
      name: spec.name,
      timeFieldName: spec.timeFieldName,
      fields: '[]',
      fieldFormatMap: JSON.stringify(Object.fromEntries(spec.links.map((f) => [f, link]))),
      fieldAttrs: JSON.stringify(Object.fromEntries(Object.entries(spec.labels).map(([f, customLabel]) => [f, { customLabel }]))),
      runtimeFieldMap: JSON.stringify(Object.fromEntries(Object.entries(spec.runtime ?? {}).map(([f, r]) => [f, { type: r.type, script: { source: r.source } }]))),
      typeMeta: '{}',
    },
    references: [],
    coreMigrationVersion: CORE_MIGRATION_VERSION,
    typeMigrationVersion: TYPE_MIGRATION_VERSION['index-pattern']!,
  };
}

export interface PanelSpec {
  /** The Lens object shown. */
  lens: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ControlSpec {
  id: string;
  title: string;
  dataView: string;
  field: string;
}

export interface DashboardSpec {
  id: string;
  title: string;
  description: string;
  timeFrom: string;
  panels: PanelSpec[];
  controls?: ControlSpec[];
}

/** A dashboard whose panels are the shipped Lens objects (by reference), with an optional control group. */
export function dashboard(spec: DashboardSpec): SavedObject {
  const panels = spec.panels.map((p, i) => {
    const panelIndex = `p${i + 1}`;
    return { version: PANEL_VERSION, type: 'lens', gridData: { x: p.x, y: p.y, w: p.w, h: p.h, i: panelIndex }, panelIndex, embeddableConfig: { enhancements: {} }, panelRefName: `panel_${panelIndex}` };
  });
  const references = [
    ...spec.panels.map((p, i) => ({ name: `p${i + 1}:panel_p${i + 1}`, type: 'lens', id: p.lens })),
    ...(spec.controls ?? []).map((c) => ({ name: `controlGroup_${c.id}:optionsListDataView`, type: 'index-pattern', id: c.dataView })),
  ];
  const controlPanels = Object.fromEntries(
    (spec.controls ?? []).map((c, order) => [
      c.id,
      {
        order,
        width: 'medium',
        grow: true,
        type: 'optionsListControl',
        explicitInput: { id: c.id, fieldName: c.field, title: c.title, selectedOptions: [], searchTechnique: 'prefix', sort: { by: '_count', direction: 'desc' }, enhancements: {} },
      },
    ]),
  );
  return {
    type: 'dashboard',
    id: spec.id,
    attributes: {
      title: spec.title,
      description: spec.description,
      version: 1,
      timeRestore: true,
      timeFrom: spec.timeFrom,
      timeTo: 'now',
      refreshInterval: { pause: false, value: 60_000 },
      optionsJSON: JSON.stringify({ useMargins: true, syncColors: true, syncCursor: true, syncTooltips: false, hidePanelTitles: false }),
      panelsJSON: JSON.stringify(panels),
      kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify({ query: { query: '', language: 'kuery' }, filter: [] }) },
      ...(spec.controls
        ? {
            controlGroupInput: {
              controlStyle: 'oneLine',
              chainingSystem: 'HIERARCHICAL',
              ignoreParentSettingsJSON: JSON.stringify({ ignoreFilters: false, ignoreQuery: false, ignoreTimerange: false, ignoreValidations: false }),
              panelsJSON: JSON.stringify(controlPanels),
            },
          }
        : {}),
    },
    references,
    coreMigrationVersion: CORE_MIGRATION_VERSION,
    typeMigrationVersion: TYPE_MIGRATION_VERSION.dashboard!,
  };
}
