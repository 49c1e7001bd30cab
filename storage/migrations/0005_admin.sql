-- A handover invite: when it is used, the agency's current primary focal points lose access.
ALTER TABLE invites ADD COLUMN handover INTEGER NOT NULL DEFAULT 0;

-- Explanation requests (giải trình): an admin's question on an indicator to an agency, and its answer.
CREATE TABLE explanations (
    id              INTEGER PRIMARY KEY,
    period_id       INTEGER NOT NULL REFERENCES periods(id),
    agency_code     TEXT NOT NULL REFERENCES agencies(code),
    indicator_code  TEXT NOT NULL,
    question        TEXT NOT NULL,
    asked_by        INTEGER NOT NULL,
    asked_at        TEXT NOT NULL,
    answer          TEXT,
    answered_by     INTEGER,
    answered_at     TEXT
);
CREATE INDEX explanations_by_period ON explanations (period_id, indicator_code);
