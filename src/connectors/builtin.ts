import type { ConnectorKind } from './define';
import { createConnectorRegistry, type ConnectorRegistry } from './registry';
import { pttConnector } from './ptt';
import { rssConnector } from './rss';

/** The kinds shipped with Yuqing, one file each. Add a new kind here (and a contract fixture in test/connectors). */
export const builtinKinds: readonly ConnectorKind[] = [rssConnector, pttConnector];

/** The default registry the daemon uses. */
export const builtinRegistry: ConnectorRegistry = createConnectorRegistry(builtinKinds);
