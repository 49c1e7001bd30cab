-- Review and sign-off: the consolidating agency accepts or returns each agency's report for a period.
-- One current state per (period, agency); every change of state is kept in review_events.
CREATE TABLE reviews (
    period_id       INTEGER NOT NULL REFERENCES periods(id),
    agency_code     TEXT NOT NULL REFERENCES agencies(code),
    state           TEXT NOT NULL,          -- returned, accepted, submitted (resubmitted or unlocked)
    reason          TEXT,                   -- why it was returned
    first_on_time   INTEGER,                -- the first submission's timeliness, kept across a return
    seen_change     INTEGER NOT NULL DEFAULT 0,  -- the last value_changes.id an admin has seen: "changes since"
    changed_by      INTEGER,
    changed_at      TEXT NOT NULL,
    PRIMARY KEY (period_id, agency_code)
);

CREATE TABLE review_events (
    id              INTEGER PRIMARY KEY,
    period_id       INTEGER NOT NULL REFERENCES periods(id),
    agency_code     TEXT NOT NULL,
    old_state       TEXT,
    new_state       TEXT NOT NULL,          -- returned, accepted, resubmitted, unlocked
    reason          TEXT,
    changed_by      INTEGER,
    changed_at      TEXT NOT NULL
);
CREATE INDEX review_events_by_report ON review_events (period_id, agency_code);

CREATE TRIGGER review_events_are_append_only_update BEFORE UPDATE ON review_events
BEGIN SELECT RAISE(ABORT, 'review_events is append-only'); END;
CREATE TRIGGER review_events_are_append_only_delete BEFORE DELETE ON review_events
BEGIN SELECT RAISE(ABORT, 'review_events is append-only'); END;
