/**
 * Schema migrations for the SQLite state file, applied in order; `PRAGMA user_version` records
 * how many ran. Never edit a shipped migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  -- Conditional-GET validators per URL.
  CREATE TABLE http_validators (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    updated_ms INTEGER NOT NULL
  );

  -- Every mention id ever ingested: dedupe across connectors and restarts.
  CREATE TABLE seen (
    id TEXT PRIMARY KEY,
    connector TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    first_seen_ms INTEGER NOT NULL
  );

  -- The mention documents, when SQLite is the mention store (the embedded default).
  CREATE TABLE mentions (
    id TEXT PRIMARY KEY,
    connector TEXT NOT NULL,
    published_ms INTEGER NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX mentions_published ON mentions (published_ms);

  -- What detection needs per mention x matched rule, whatever the mention store: counts, negative
  -- share, risk, topics, terms, and the evidence fields an alert cites.
  CREATE TABLE hits (
    rule_id TEXT NOT NULL,
    mention_id TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    negative INTEGER NOT NULL,
    risk TEXT NOT NULL,
    topics TEXT NOT NULL,
    terms TEXT NOT NULL,
    site TEXT NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (rule_id, mention_id)
  );
  CREATE INDEX hits_rule_time ON hits (rule_id, at_ms);

  -- Per-rule detector state.
  CREATE TABLE rule_state (
    rule_id TEXT PRIMARY KEY,
    history_start_ms INTEGER NOT NULL,
    last_evaluated_ms INTEGER
  );

  CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    rule_id TEXT NOT NULL,
    status TEXT NOT NULL,
    level TEXT NOT NULL,
    opened_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX alerts_rule_status ON alerts (rule_id, status);

  CREATE TABLE alert_events (
    alert_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (alert_id, seq)
  );

  -- Persistent delivery queue: one row per (event, recipient, channel, target).
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    alert_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    target TEXT NOT NULL,
    notice TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL,
    next_attempt_ms INTEGER NOT NULL,
    last_error TEXT,
    sent_ms INTEGER,
    detail TEXT
  );
  CREATE INDEX outbox_due ON outbox (status, next_attempt_ms);

  -- Health of every source: ok / failing / blocked, since when, last error.
  CREATE TABLE sources (
    connector TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    since_ms INTEGER NOT NULL,
    last_run_ms INTEGER,
    last_ok_ms INTEGER,
    last_error_code TEXT,
    last_error TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    items_total INTEGER NOT NULL DEFAULT 0,
    last_new_items INTEGER NOT NULL DEFAULT 0
  );
  `,
  `
  -- Migration 2: the Elasticsearch index spool (a transactional outbox for index writes).
  -- A row is written in the same transaction that stores a mention (or records an alert change)
  -- and deleted only once Elasticsearch has acknowledged the write, so an outage delays, never drops.
  CREATE TABLE es_spool (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    index_name TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    -- External version for documents rewritten over time (alert states): an older write can never
    -- overwrite a newer one, whatever order retries land in. NULL for write-once documents.
    version INTEGER,
    doc TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    enqueued_ms INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
  );
  -- Rows are page-sized (a whole document each): without a small index, COUNT(*) (spool depth) and
  -- MIN(enqueued_ms) (index lag) would read every page of the spool.
  CREATE INDEX es_spool_enqueued ON es_spool (enqueued_ms);

  -- Documents Elasticsearch rejected (mapping/parsing errors): kept with the reason until requeued.
  CREATE TABLE es_dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    index_name TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    version INTEGER,
    doc TEXT NOT NULL,
    status INTEGER NOT NULL,
    error_type TEXT NOT NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    enqueued_ms INTEGER NOT NULL,
    failed_ms INTEGER NOT NULL
  );

  -- Small facts about the index: last successful write, feed cursors.
  CREATE TABLE es_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

  -- Alert states and delivery outcomes already copied into the spool (the alerts index feed).
  CREATE TABLE es_feed_alerts (
    alert_id TEXT PRIMARY KEY,
    updated_ms INTEGER NOT NULL
  );
  CREATE TABLE es_feed_deliveries (
    idempotency_key TEXT PRIMARY KEY
  );
  `,
  `
  -- Migration 3: per-source backoff, revisits of recent forum items, evidence versions.
  -- sources keeps its columns' meaning; the new ones say when the next poll may run at the
  -- earliest (consecutive failures, a block, Retry-After) and why. NULL = on its schedule.
  ALTER TABLE sources ADD COLUMN next_attempt_ms INTEGER;
  ALTER TABLE sources ADD COLUMN backoff_reason TEXT;

  -- Stored forum mentions to look at again for a while: engagement, edits, deletion.
  CREATE TABLE revisits (
    mention_id TEXT PRIMARY KEY,
    connector TEXT NOT NULL,
    url TEXT NOT NULL,
    guid TEXT,
    first_seen_ms INTEGER NOT NULL,
    next_due_ms INTEGER,            -- NULL once finished (window over, or the item is gone)
    done INTEGER NOT NULL DEFAULT 0, -- revisits made
    last_sha256 TEXT NOT NULL,
    last_engagement TEXT,           -- JSON Engagement as last seen
    gone_ms INTEGER                 -- when it was found deleted
  );
  CREATE INDEX revisits_due ON revisits (connector, next_due_ms);

  -- Evidence versions: seq 0 is the text as first stored; later rows record what a revisit saw
  -- change (edited text with its hash, a deletion, engagement). Rows are only ever appended.
  CREATE TABLE mention_versions (
    mention_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    observed_ms INTEGER NOT NULL,
    change TEXT NOT NULL,           -- original | edited | deleted | engagement
    title TEXT,
    body TEXT,
    content_sha256 TEXT,
    engagement TEXT,
    detail TEXT,
    PRIMARY KEY (mention_id, seq)
  );
  `,
  `
  -- Migration 4: alert series, detector state, source activity.
  -- An alert belongs to a series (its key): a rule's crisis alerts use the rule id, a weekly
  -- hot-spot "hotspot:<rule>:<topic>", a source-health alert "source:<connector>". Existing rows are crisis alerts.
  ALTER TABLE alerts ADD COLUMN alert_key TEXT;
  UPDATE alerts SET alert_key = rule_id;
  CREATE INDEX alerts_key_status ON alerts (alert_key, status);

  -- Small serialisable detector state that must survive restarts (JSON per key).
  CREATE TABLE detector_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
  );

  -- "When did this source last bring anything new": the silence check reads it every cycle.
  CREATE INDEX seen_connector_time ON seen (connector, first_seen_ms);
  `,
  `
  -- Migration 5: hits without a primary key. A mention's hits are written once, in the transaction
  -- that first marks it seen, so (rule_id, mention_id) can never repeat; its index only cost a write
  -- to a random page per hit (mention ids are hashes), a quarter of what storing wrote to the WAL.
  CREATE TABLE hits_v5 (
    rule_id TEXT NOT NULL,
    mention_id TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    negative INTEGER NOT NULL,
    risk TEXT NOT NULL,
    topics TEXT NOT NULL,
    terms TEXT NOT NULL,
    site TEXT NOT NULL,
    evidence TEXT NOT NULL
  );
  INSERT INTO hits_v5 (rule_id, mention_id, at_ms, negative, risk, topics, terms, site, evidence)
    SELECT rule_id, mention_id, at_ms, negative, risk, topics, terms, site, evidence FROM hits ORDER BY rule_id, at_ms;
  DROP TABLE hits;
  ALTER TABLE hits_v5 RENAME TO hits;
  CREATE INDEX hits_rule_time ON hits (rule_id, at_ms);
  `,
  `
  -- Migration 6: new ids go to a small table first. Ids are hashes, so each one lands on a random
  -- page of seen's id index: once that index is large, every stored mention rewrote a whole page of
  -- it (WAL per stored mention 4 KiB with an empty seen, 20 KiB at 300,000 ids). A small table keeps
  -- its few pages hot; it is folded into seen in id order, a page of seen rewritten once per fold.
  CREATE TABLE seen_recent (
    id TEXT PRIMARY KEY,
    connector TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    first_seen_ms INTEGER NOT NULL
  );
  CREATE INDEX seen_recent_connector_time ON seen_recent (connector, first_seen_ms);
  `,
  `
  -- Migration 7: seen_recent loses its id index. Its few pages still took a random write per new id
  -- (most of them rewritten by every stored batch); the program now keeps the recent ids in memory
  -- for dedupe, so the table is only appended to, and folded into seen as before.
  CREATE TABLE seen_recent_v7 (
    id TEXT NOT NULL,
    connector TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    first_seen_ms INTEGER NOT NULL
  );
  INSERT INTO seen_recent_v7 (id, connector, content_sha256, first_seen_ms)
    SELECT id, connector, content_sha256, first_seen_ms FROM seen_recent ORDER BY rowid;
  DROP TABLE seen_recent;
  ALTER TABLE seen_recent_v7 RENAME TO seen_recent;
  CREATE INDEX seen_recent_connector_time ON seen_recent (connector, first_seen_ms);
  `,
];
