import { ConnectorError } from '../core/errors';
import type { ConnectorKind } from './define';

/** The connector kinds the daemon knows, by name. Built once at start-up; read-only after. */
export interface ConnectorRegistry {
  /**
   * The kind named `kind`.
   * @throws ConnectorError (E_CONNECTOR) naming the known kinds when there is none.
   */
  get(kind: string): ConnectorKind;
  has(kind: string): boolean;
  /** Every kind, sorted by name. */
  list(): ConnectorKind[];
  /** Every kind's name, sorted. */
  kinds(): string[];
}

/** A kind name as written in connector files: lower-case, digits and `-`, starting with a letter. */
const KIND_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * Build a registry from a list of kinds. Refuses, at construction, a kind without a valid name
 * and two kinds with the same name: a mistake in the list must stop start-up, not surface later
 * as a connector that silently never runs.
 * @throws ConnectorError (E_CONNECTOR) for an unnamed, badly named or duplicate kind.
 */
export function createConnectorRegistry(kinds: readonly ConnectorKind[]): ConnectorRegistry {
  const byName = new Map<string, ConnectorKind>();
  kinds.forEach((k, index) => {
    const name: unknown = k?.kind;
    if (typeof name !== 'string' || name.trim() === '') {
      throw new ConnectorError(`第 ${index + 1} 個連接器類型沒有名稱 (connector kind without a name)`, '(registry)', { context: { index } });
    }
    if (!KIND_NAME.test(name)) {
      throw new ConnectorError(`連接器類型名稱「${name}」無效：只能用小寫英文字母、數字與 -，且以字母開頭 (invalid kind name)`, '(registry)', { context: { index, kind: name } });
    }
    if (byName.has(name)) {
      throw new ConnectorError(`連接器類型「${name}」重複註冊 (duplicate connector kind)`, '(registry)', { context: { index, kind: name } });
    }
    byName.set(name, k);
  });
  const names = [...byName.keys()].sort();

  return {
    get(kind) {
      const found = byName.get(kind);
      if (!found) {
        throw new ConnectorError(`未知的連接器類型「${kind}」，可用的類型：${names.join('、') || '(無)'} (unknown connector kind)`, '(registry)', {
          context: { kind, known: names },
        });
      }
      return found;
    },
    has: (kind) => byName.has(kind),
    list: () => names.map((n) => byName.get(n)!),
    kinds: () => [...names],
  };
}
