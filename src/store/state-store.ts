import type { Clock } from '../core/clock';
import { AlertsRepo } from './alerts-repo';
import { openDatabase, type Db } from './database';
import { DetectorStateRepo } from './detector-state-repo';
import { MentionsRepo } from './mentions-repo';
import { OutboxRepo } from './outbox-repo';
import { RevisitsRepo } from './revisits-repo';
import { RuleStateRepo } from './rule-state-repo';
import { SourcesRepo } from './sources-repo';
import { ValidatorsRepo } from './validators-repo';

/** The embedded state: one SQLite file, one repository per concern. */
export interface StateStore {
  db: Db;
  validators: ValidatorsRepo;
  mentions: MentionsRepo;
  ruleState: RuleStateRepo;
  alerts: AlertsRepo;
  outbox: OutboxRepo;
  sources: SourcesRepo;
  /** Revisits of recent forum mentions and their evidence versions. */
  revisits: RevisitsRepo;
  /** Detector state that must survive restarts (JSON per key). */
  detectorState: DetectorStateRepo;
  close(): void;
}

export interface StateStoreOptions {
  /** File path, or `:memory:` for tests. */
  path: string;
  clock: Clock;
  /** Keep full mention documents in SQLite (true unless Elasticsearch is the mention index). */
  storeMentionDocuments: boolean;
}

/** Open the state store. @throws StoreError */
export function openStateStore(options: StateStoreOptions): StateStore {
  const db = openDatabase(options.path);
  return {
    db,
    validators: new ValidatorsRepo(db, options.clock),
    mentions: new MentionsRepo(db, options.storeMentionDocuments),
    ruleState: new RuleStateRepo(db),
    alerts: new AlertsRepo(db),
    outbox: new OutboxRepo(db),
    sources: new SourcesRepo(db),
    revisits: new RevisitsRepo(db),
    detectorState: new DetectorStateRepo(db),
    close: () => {
      if (db.open) db.close();
    },
  };
}
