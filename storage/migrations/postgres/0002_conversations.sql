-- Where each user is in a conversation, written at every step so a restart resumes at the same
-- question (and several bot instances can share one database).
CREATE TABLE conversations (
    user_id         BIGINT PRIMARY KEY,
    flow            TEXT NOT NULL,
    state           TEXT NOT NULL,
    period_id       BIGINT REFERENCES periods(id),
    agency_code     TEXT REFERENCES agencies(code),
    element_code    TEXT,
    serial          BIGINT NOT NULL DEFAULT 0,
    data_json       TEXT NOT NULL DEFAULT '{}',
    updated_at      TEXT NOT NULL
);
