import type { CrisisLevel, RiskLevel, SentimentLabel } from '../core/types';
import type { WindowSignal } from '../spikes/types';

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
export type AlertEventType = 'opened' | 'upgraded' | 'downgraded' | 'resolved' | 'acknowledged';

/** One piece of evidence: enough to find, cite and verify the mention later. */
export interface EvidenceItem {
  mentionId: string;
  url: string;
  title: string;
  site: string;
  connector: string;
  publishedAt: string;
  fetchedAt: string;
  contentSha256: string;
  sentiment: SentimentLabel;
  /** Topic ids the mention hit for this rule. */
  topics: string[];
}

/** An alert's full state; persisted in the state store, evolved only by the lifecycle. Times are epoch ms. */
export interface AlertRecord {
  id: string;
  ruleId: string;
  ruleName: string;
  /** sha256 (first 12 hex) of the rule file that graded it. */
  ruleVersion: string;
  level: CrisisLevel;
  peakLevel: CrisisLevel;
  status: AlertStatus;
  openedAt: number;
  updatedAt: number;
  /** SLA deadlines of the current level (tightened on upgrade, never loosened). */
  respondBy: number;
  resolveBy: number;
  /** The condition text that last held, e.g. `highRisk >= 3`. */
  reason: string;
  signal: WindowSignal;
  evidence: EvidenceItem[];
  /** Last time any level condition held (for cooldown). */
  lastTrueAt: number;
  /** A lower level seen since this time (downgrade after it holds for the cooldown). */
  pendingDowngrade?: { level: CrisisLevel; since: number };
  /** Recipient names notified so far (downgrade and resolve go to all of them). */
  notified: string[];
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  ackNote?: string;
  resolvedAt?: number;
  /** Number of events so far; the next event's sequence number. */
  eventSeq: number;
}

/** A lifecycle transition; `recipients` are the names to notify (empty = record only). */
export interface AlertEvent {
  alertId: string;
  seq: number;
  type: AlertEventType;
  at: number;
  fromLevel?: CrisisLevel;
  toLevel?: CrisisLevel;
  recipients: string[];
  detail?: Record<string, unknown>;
}

/** What a notifier renders: one event of one alert for one recipient on one channel. */
export interface AlertNotice {
  /** Stable across retries and restarts; the receiver de-duplicates on it. */
  idempotencyKey: string;
  event: AlertEventType;
  eventAt: number;
  fromLevel?: CrisisLevel;
  alert: AlertRecord;
  recipient: { id: string; name?: string };
  /** Top terms and sources in the window, for "what is driving it". */
  topTerms: Array<{ term: string; count: number }>;
  topSources: Array<{ site: string; count: number }>;
  /** Time zone for every time shown to people. */
  timeZone: string;
  /** Link that acknowledges the alert, when the daemon's server is reachable. */
  ackUrl?: string;
  /**
   * Display name and risk of the rule's topics, by topic id (from the rule file), so a message can
   * say 醫療糾紛 instead of `dispute`. Optional: renderers fall back to the id.
   */
  topics?: Record<string, { name?: string; risk: RiskLevel }>;
}

export type ChannelKind = 'email' | 'webhook';
