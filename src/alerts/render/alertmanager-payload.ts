import { createHash } from 'node:crypto';
import type { CrisisLevel } from '../../core/types';
import type { AlertNotice } from '../types';
import type { AlertFacts } from './alert-facts';

/**
 * The Prometheus Alertmanager webhook payload, version "4", so receivers built for Alertmanager
 * (Grafana OnCall, PagerDuty bridges, ntfy, Karma…) take Yuqing's alerts unchanged. One Yuqing
 * alert is one Alertmanager group of one alert: `firing` while it is open or acknowledged,
 * `resolved` once resolved. Labels identify (stable across events); annotations describe.
 *
 * ```json
 * { "version": "4", "groupKey": "{}:{alert_id=\"example-clinic-20251121T060500Z\"}", "status": "firing",
 *   "receiver": "oncall", "truncatedAlerts": 0,
 *   "alerts": [{ "status": "firing", "labels": { "alertname": "YuqingCrisis", "severity": "critical", … },
 *                "annotations": { "summary": "【輿情警示 L3・新警示】…", … }, "startsAt": "…", "endsAt": "0001-01-01T00:00:00Z",
 *                "generatorURL": "…", "fingerprint": "…" }], … }
 * ```
 */
export interface AlertmanagerPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: Array<{
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }>;
}

/** Severity labels receivers understand, by level. */
export const SEVERITY: Record<CrisisLevel, string> = { L3: 'critical', L2: 'warning', L1: 'info' };
/** Alertmanager's "not ended" time. */
const ZERO_TIME = '0001-01-01T00:00:00Z';
const ALERTNAME = { crisis: 'YuqingCrisis', hotspot: 'YuqingWeeklyHotspot', source: 'YuqingSourceHealth' } as const;

/**
 * Render one notice as an Alertmanager v4 payload for `receiver` (the configured endpoint name).
 * `generatorURL` is the ack link while it is offered, else the first evidence URL.
 */
export function renderAlertmanagerPayload(notice: AlertNotice, f: AlertFacts, receiver: string): AlertmanagerPayload {
  const { alert } = notice;
  const status = alert.status === 'resolved' ? 'resolved' : 'firing';
  const labels: Record<string, string> = {
    alertname: ALERTNAME[f.kind],
    alert_id: alert.id,
    rule: alert.ruleId,
    level: alert.level,
    severity: SEVERITY[alert.level],
    kind: f.kind,
    ...(alert.hotspot ? { topic: alert.hotspot.topic } : {}),
    ...(alert.source ? { connector: alert.source.connector } : {}),
  };
  const annotations: Record<string, string> = {
    summary: f.subject,
    description: `${f.headline}${f.kind === 'source' ? '' : `\n原因：${f.reason.words}`}`,
    action: f.event.action,
    event: notice.event,
    respond_by: new Date(alert.respondBy).toISOString(),
    resolve_by: new Date(alert.resolveBy).toISOString(),
    rule_version: alert.ruleVersion,
    ...(f.ackUrl ? { ack_url: f.ackUrl } : {}),
  };
  const generatorURL = f.ackUrl ?? f.evidence.find((e) => e.url)?.url ?? alert.evidence.find((e) => /^https?:/i.test(e.url))?.url ?? '';
  const fingerprint = createHash('sha256').update(alert.id).digest('hex').slice(0, 16);
  return {
    version: '4',
    groupKey: `{}:{alert_id="${alert.id}"}`,
    truncatedAlerts: 0,
    status,
    receiver,
    groupLabels: { alert_id: alert.id },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: '',
    alerts: [
      {
        status,
        labels,
        annotations,
        startsAt: new Date(alert.openedAt).toISOString(),
        endsAt: alert.resolvedAt !== undefined ? new Date(alert.resolvedAt).toISOString() : ZERO_TIME,
        generatorURL,
        fingerprint,
      },
    ],
  };
}
