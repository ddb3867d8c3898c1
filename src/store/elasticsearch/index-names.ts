/**
 * Names of everything Yuqing keeps in Elasticsearch, derived from one prefix (`yuqing` unless the
 * config says otherwise, e.g. two instances sharing a cluster; the tests use a random one). The
 * committed mappings and the Kibana dashboards are written for the default prefix.
 */
export interface IndexNames {
  prefix: string;
  /** Prefix of the monthly mention indices: `yuqing-mentions-` → `yuqing-mentions-2026.03`. */
  mentionIndexPrefix: string;
  /** The alias every monthly mention index joins (through the index template): read from this. */
  mentionsAlias: string;
  /** Composable template that gives each monthly index its settings, mapping and alias. */
  mentionsTemplate: string;
  /** The single alerts index (alert states, lifecycle events, delivery outcomes). */
  alertsIndex: string;
  /** Composable template of the alerts index (so a deleted index comes back with its mapping). */
  alertsTemplate: string;
}

/** The prefix the committed mappings and dashboards are written for. */
export const DEFAULT_INDEX_PREFIX = 'yuqing';

/** Allowed prefixes: lower-case, as Elasticsearch index names must be, and no wildcard characters. */
export const INDEX_PREFIX_PATTERN = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** @throws RangeError when the prefix is not a valid index-name prefix (the config schema checks it first) */
export function indexNames(prefix: string = DEFAULT_INDEX_PREFIX): IndexNames {
  if (!INDEX_PREFIX_PATTERN.test(prefix)) throw new RangeError(`invalid index prefix: ${prefix}`);
  return {
    prefix,
    mentionIndexPrefix: `${prefix}-mentions-`,
    mentionsAlias: `${prefix}-mentions`,
    mentionsTemplate: `${prefix}-mentions`,
    alertsIndex: `${prefix}-alerts`,
    alertsTemplate: `${prefix}-alerts`,
  };
}

/** The default names: `yuqing-mentions-*`, `yuqing-mentions`, `yuqing-alerts`. */
export const DEFAULT_INDEX_NAMES: IndexNames = indexNames();

/**
 * The monthly index a mention belongs in, by the UTC month of `atMs` (the time it counts at:
 * published, clamped to fetched). Deterministic per mention, so a replay writes to the same index.
 */
export function mentionIndexFor(names: IndexNames, atMs: number): string {
  const d = new Date(atMs);
  return `${names.mentionIndexPrefix}${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * The UTC month a monthly mention index covers, `[startMs, endMs)`; `undefined` for any other name
 * (so retention can never delete an index it does not own).
 */
export function mentionIndexMonth(names: IndexNames, name: string): { startMs: number; endMs: number } | undefined {
  if (!name.startsWith(names.mentionIndexPrefix)) return undefined;
  const m = /^(\d{4})\.(\d{2})$/.exec(name.slice(names.mentionIndexPrefix.length));
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12) return undefined;
  return { startMs: Date.UTC(year, month - 1, 1), endMs: Date.UTC(year, month, 1) };
}
