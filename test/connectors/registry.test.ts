import { z } from 'zod';
import { builtinRegistry } from '../../src/connectors/builtin';
import { defineConnector, type ConnectorKind } from '../../src/connectors/define';
import { createConnectorRegistry } from '../../src/connectors/registry';
import { ConnectorError } from '../../src/core/errors';

const kind = (name: string): ConnectorKind =>
  defineConnector({
    kind: name,
    sourceType: 'other',
    description: name,
    optionsSchema: z.object({}),
    create: () => ({ poll: async () => ({ items: [], notModified: false, warnings: [] }) }),
  });

describe('connector registry', () => {
  it('finds kinds by name and lists them sorted', () => {
    const registry = createConnectorRegistry([kind('zeta'), kind('alpha')]);
    expect(registry.get('alpha').kind).toBe('alpha');
    expect(registry.has('zeta')).toBe(true);
    expect(registry.has('beta')).toBe(false);
    expect(registry.kinds()).toEqual(['alpha', 'zeta']);
    expect(registry.list().map((k) => k.kind)).toEqual(['alpha', 'zeta']);
  });

  it('rejects a duplicate kind at construction', () => {
    expect(() => createConnectorRegistry([kind('rss'), kind('ptt'), kind('rss')])).toThrow(ConnectorError);
    expect(() => createConnectorRegistry([kind('rss'), kind('rss')])).toThrow(/重複/);
  });

  it.each([[''], ['   ']])('rejects an unnamed kind (%j)', (name) => {
    expect(() => createConnectorRegistry([kind(name)])).toThrow(/沒有名稱/);
  });

  it('rejects a kind name that could not be written in a connector file', () => {
    expect(() => createConnectorRegistry([kind('Google News')])).toThrow(ConnectorError);
  });

  it('names the known kinds when asked for an unknown one', () => {
    const registry = createConnectorRegistry([kind('rss'), kind('ptt')]);
    let error: unknown;
    try {
      registry.get('dcard');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('E_CONNECTOR');
    expect((error as ConnectorError).message).toContain('ptt、rss');
    expect((error as ConnectorError).context).toMatchObject({ kind: 'dcard', known: ['ptt', 'rss'] });
  });

  it('ships the rss kind in the default registry', () => {
    expect(builtinRegistry.get('rss').sourceType).toBe('rss');
  });
});
