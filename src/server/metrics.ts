import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The daemon's Prometheus metrics. One registry per app (not prom-client's global one), so tests and
 * the demo can run several apps in one process.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly connectorRuns = new Counter({ name: 'yuqing_connector_runs_total', help: 'Connector runs by outcome (ok, not_modified, failed, blocked).', labelNames: ['connector', 'outcome'] as const, registers: [this.registry] });
  readonly mentionsIngested = new Counter({ name: 'yuqing_mentions_ingested_total', help: 'New mentions stored.', labelNames: ['connector'] as const, registers: [this.registry] });
  readonly mentionsDuplicate = new Counter({ name: 'yuqing_mentions_duplicate_total', help: 'Fetched items already seen (same id from any connector).', labelNames: ['connector'] as const, registers: [this.registry] });
  readonly itemsSkipped = new Counter({ name: 'yuqing_items_skipped_total', help: 'Fetched items skipped with a warning (unusable link, bad data).', labelNames: ['connector'] as const, registers: [this.registry] });
  readonly lastSuccess = new Gauge({ name: 'yuqing_connector_last_success_timestamp_seconds', help: 'Unix time of the last successful run per connector.', labelNames: ['connector'] as const, registers: [this.registry] });
  readonly alertTransitions = new Counter({ name: 'yuqing_alert_events_total', help: 'Alert lifecycle events.', labelNames: ['rule', 'type', 'level'] as const, registers: [this.registry] });
  readonly deliveries = new Counter({ name: 'yuqing_deliveries_total', help: 'Delivery attempts by channel and outcome (sent, retry, failed).', labelNames: ['channel', 'outcome'] as const, registers: [this.registry] });
  readonly outboxPending = new Gauge({ name: 'yuqing_outbox_pending', help: 'Deliveries waiting in the outbox.', registers: [this.registry] });
  readonly openAlerts = new Gauge({ name: 'yuqing_alerts_open', help: 'Alerts not yet resolved, by level.', labelNames: ['level'] as const, registers: [this.registry] });
  readonly revisits = new Counter({ name: 'yuqing_revisits_total', help: 'Revisits of stored forum items by outcome (unchanged, edited, completed, deleted, engagement, failed).', labelNames: ['connector', 'outcome'] as const, registers: [this.registry] });
  readonly sourceStatus = new Gauge({ name: 'yuqing_source_status', help: 'Source health: 1 for the current status (ok, failing, blocked) of each connector.', labelNames: ['connector', 'status'] as const, registers: [this.registry] });
  readonly sourceFailures = new Gauge({ name: 'yuqing_source_consecutive_failures', help: 'Consecutive failed runs per connector.', labelNames: ['connector'] as const, registers: [this.registry] });
  readonly sourceNextAttempt = new Gauge({ name: 'yuqing_source_next_attempt_timestamp_seconds', help: 'Unix time before which a backing-off connector is not polled (absent when on schedule).', labelNames: ['connector'] as const, registers: [this.registry] });
  readonly cycleSeconds = new Histogram({ name: 'yuqing_stage_duration_seconds', help: 'Duration of pipeline stages.', labelNames: ['stage'] as const, buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60], registers: [this.registry] });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'yuqing_' });
  }

  /** Time a function under a stage label. */
  async time<T>(stage: string, fn: () => Promise<T> | T): Promise<T> {
    const end = this.cycleSeconds.startTimer({ stage });
    try {
      return await fn();
    } finally {
      end();
    }
  }
}
