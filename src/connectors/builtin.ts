import { dcardConnector } from './dcard';
import type { ConnectorKind } from './define';
import { discourseConnector } from './discourse';
import { htmlConnector } from './html';
import { newsConnector } from './news';
import { pttConnector } from './ptt';
import { redditConnector } from './reddit';
import { createConnectorRegistry, type ConnectorRegistry } from './registry';
import { rssConnector } from './rss';

/** The kinds shipped with Yuqing, one file each. Add a new kind here (and a contract fixture in test/connectors). */
export const builtinKinds: readonly ConnectorKind[] = [rssConnector, newsConnector, pttConnector, dcardConnector, htmlConnector, redditConnector, discourseConnector];

/** The default registry the daemon uses. */
export const builtinRegistry: ConnectorRegistry = createConnectorRegistry(builtinKinds);
