import { buildAlertFacts } from '../render/alert-facts';
import { renderAlertmanagerPayload } from '../render/alertmanager-payload';
import { defineNotifier } from './define';
import { endpointNotifierFromConfig, type EndpointChannel } from './endpoint-notifier';

/**
 * Any receiver that takes Prometheus Alertmanager's webhook payload, version 4
 * (`channels.alertmanager.<name>`): Grafana OnCall, PagerDuty bridges, ntfy …
 */
export const alertmanagerChannel: EndpointChannel = {
  channel: 'alertmanager',
  label: 'Alertmanager',
  render: (notice, target, nowMs) => ({ body: renderAlertmanagerPayload(notice, buildAlertFacts(notice, { nowMs }), target) }),
};

export const alertmanagerNotifierKind = defineNotifier({
  channel: 'alertmanager',
  description: 'Alertmanager 相容 webhook（payload version 4）(Alertmanager-compatible)',
  create: (ctx) => endpointNotifierFromConfig(alertmanagerChannel, 'alertmanager', ctx),
});
