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

-- An "official figures" round for a past period: agencies are asked, by its own deadline, for the items
-- whose figures are not yet official (estimates and preliminary figures give way to official ones).
CREATE TABLE official_rounds (
    period_id       INTEGER PRIMARY KEY REFERENCES periods(id),
    deadline        TEXT NOT NULL,
    opened_by       INTEGER,
    opened_at       TEXT NOT NULL
);

-- A lead agency's confidence in an indicator it leads (on track, at risk, off track) and why.
CREATE TABLE confidences (
    period_id       INTEGER NOT NULL REFERENCES periods(id),
    indicator_code  TEXT NOT NULL,
    agency_code     TEXT NOT NULL REFERENCES agencies(code),
    level           TEXT NOT NULL,
    reason          TEXT,
    given_by        INTEGER,
    given_at        TEXT NOT NULL,
    PRIMARY KEY (period_id, indicator_code)
);
