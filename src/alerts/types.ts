import type { CrisisLevel, RiskLevel, SentimentLabel } from '../core/types';
import type { SourceProblem } from '../spikes/source-health';
import type { WindowSignal } from '../spikes/types';

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
export type AlertEventType = 'opened' | 'upgraded' | 'downgraded' | 'resolved' | 'acknowledged' | 'escalated' | 'reminder';
/**
 * What an alert is about: a rule's crisis level (volume, risk, sentiment), a weekly topic hot-spot
 * (seed 002's 週報熱點), or a source that keeps failing or went silent.
 */
export type AlertKind = 'crisis' | 'hotspot' | 'source';

/** The hot-spot behind a `hotspot` alert. */
export interface HotspotFacts {
  topic: string;
  /** Monday 00:00 (local) of the calendar week counted, epoch ms. */
  weekStartMs: number;
  /** Mentions of the topic this week so far, and the rule's `moreThan`. */
  count: number;
  moreThan: number;
}

/** The source behind a `source` alert (the detector's finding, see src/spikes/source-health.ts). */
export type SourceFacts = SourceProblem;

/** What drove the alert when a condition last held (kept for escalation and reminder notices). */
export interface AlertDrivers {
  topTerms: Array<{ term: string; count: number }>;
  topSources: Array<{ site: string; count: number }>;
  /**
   * Words of the window's mention titles that rose most against the baseline's (src/pipeline/rising-terms.ts),
   * found when the alert opened or last went up a level. Absent when turned off (`detection.risingTerms`)
   * and in alerts recorded before it existed.
   */
  risingTerms?: RisingTermFact[];
}

/** One word that rose in an alert's window. */
export interface RisingTermFact {
  term: string;
  /** Window mentions whose title has it. */
  count: number;
  /** Mentions expected to have it at the baseline's rate. */
  expected: number;
}

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
  /** Absent in alerts recorded before kinds existed: those are `crisis`. */
  kind?: AlertKind;
  /**
   * The series: at most one alert per key is not resolved. A rule's crisis alerts use the rule id,
   * a hot-spot `hotspot:<rule>:<topic>`, a source `source:<connector>`. Absent = `ruleId`.
   */
  key?: string;
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
  /** Since when it waits for an acknowledgement: when it opened, or was re-opened by an upgrade. */
  awaitingAckSince?: number;
  /** When it was escalated for the current wait (see src/alerts/red-clock.ts). */
  escalatedAt?: number;
  /** Red-clock reminder offsets already passed (and reminded of), counted from the first. */
  remindersSent?: number;
  /** KPI: ms from opening to the first acknowledgement, and whether that was within the respond deadline. */
  timeToAckMs?: number;
  ackWithinSla?: boolean;
  /** KPI: ms from opening to resolution. */
  timeToResolveMs?: number;
  drivers?: AlertDrivers;
  hotspot?: HotspotFacts;
  source?: SourceFacts;
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
  /** The event's recorded detail (a reminder's `offsetMs`, an escalation's `dueAtMs`, a resolution's `reason` …), when it has one. */
  eventDetail?: Record<string, unknown>;
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

/** Delivery channels, one notifier file each under src/alerts/notifiers/. */
export type ChannelKind = 'email' | 'webhook' | 'slack' | 'teams' | 'discord' | 'line' | 'alertmanager';

/** Every channel, in the order a recipient's targets are fanned out. */
export const CHANNEL_KINDS: readonly ChannelKind[] = ['email', 'webhook', 'slack', 'teams', 'discord', 'line', 'alertmanager'];

/** The kind of an alert, `crisis` for records from before kinds existed. */
export function alertKind(alert: Pick<AlertRecord, 'kind'>): AlertKind {
  return alert.kind ?? 'crisis';
}

/** The series key of an alert (its rule id for records from before keys existed). */
export function alertKey(alert: Pick<AlertRecord, 'key' | 'ruleId'>): string {
  return alert.key ?? alert.ruleId;
}
