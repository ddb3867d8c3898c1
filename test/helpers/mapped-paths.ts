/**
 * Leaf paths of a document, dotted (`rules.topics.risk`), arrays flattened; paths under
 * `opaque` prefixes (mapped with `enabled: false` or `flattened`) stop there.
 */
export function documentPaths(doc: unknown, opaque: readonly string[] = [], prefix = ''): string[] {
  if (Array.isArray(doc)) return [...new Set(doc.flatMap((d) => documentPaths(d, opaque, prefix)))];
  if (doc !== null && typeof doc === 'object' && !opaque.includes(prefix.slice(0, -1))) {
    return [...new Set(Object.entries(doc).flatMap(([k, v]) => documentPaths(v, opaque, `${prefix}${k}.`)))];
  }
  return [prefix.slice(0, -1)];
}
