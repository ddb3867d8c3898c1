import type { NoticeContext } from '../alerts/fan-out';
import type { AlertEvent, AlertRecord } from '../alerts/types';
import type { Project } from '../config/load';
import type { Clock } from '../core/clock';
import { ConfigError } from '../core/errors';
import type { Logger } from '../core/logger';
import { createAckRoute, type Route } from '../server/ack-handler';
import { ackUrl, checkAckSecret } from '../server/ack-link';
import type { StateStore } from '../store/state-store';
import type { DetectDeps } from './detect';
import { RisingTermsFinder } from './rising-terms';

/** The alerting pieces the composition root wires: detection's dependencies and the server's ack route. */
export interface AlertingSetup {
  detectDeps: DetectDeps;
  /** Routes for the daemon's HTTP server (the ack link handler when ack links are configured). */
  routes: Route[];
}

export interface AlertingSetupOptions {
  project: Project;
  store: StateStore;
  env: Record<string, string | undefined>;
  clock: Clock;
  log: Logger;
  /** Enabled connector ids (source-health alerts watch these). */
  connectors: readonly string[];
  /** After an acknowledgement by link was committed. */
  onAcknowledged?: (alert: AlertRecord, events: AlertEvent[]) => void;
}

/**
 * Build detection's dependencies and, when `server.ackLinks` is configured, the signing of ack
 * links in notices and the route that answers them. A missing or short signing key is logged at
 * error level and notices then go out without ack links (`yuqing alerts ack` still works): the
 * alerts matter more than the link.
 */
export function alertingSetup(o: AlertingSetupOptions): AlertingSetup {
  const main = o.project.main;
  const log = o.log.child({ component: 'alerting' });
  let link: NoticeContext['ackUrl'];
  const routes: Route[] = [];
  const cfg = main.server.ackLinks;
  if (cfg) {
    try {
      const secret = checkAckSecret(o.env[cfg.secretEnv], cfg.secretEnv, o.project.configFile);
      link = (alert, recipient) => ackUrl(cfg.baseUrl, { alertId: alert.id, recipient, expiresAtMs: o.clock.now() + cfg.ttl }, secret);
      routes.push(
        createAckRoute({
          alerts: o.store.alerts,
          secret,
          clock: o.clock,
          timeZone: main.timeZone,
          recipientNames: Object.fromEntries(Object.entries(main.recipients).map(([id, r]) => [id, r.name])),
          log: o.log,
          ...(o.onAcknowledged ? { onAcknowledged: o.onAcknowledged } : {}),
        }),
      );
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      log.error({ code: err.code, err: err.message }, '確認連結未啟用：通知中不會有確認連結 (ack links disabled)');
    }
  }
  return {
    detectDeps: {
      store: o.store,
      recipients: main.recipients,
      timeZone: main.timeZone,
      sources: { config: main.detection.sources, connectors: o.connectors },
      log: o.log,
      ...(link ? { ackUrl: link } : {}),
      redact: main.privacy.redact,
      ...(main.detection.risingTerms ? { risingTerms: RisingTermsFinder.forRules(o.project.rules) } : {}),
    },
    routes,
  };
}
