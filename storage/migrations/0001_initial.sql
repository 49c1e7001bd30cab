-- Programmes, what they track, who reports, and what was reported.

CREATE TABLE programmes (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    title_vi        TEXT NOT NULL,
    title_en        TEXT NOT NULL,
    document        TEXT NOT NULL DEFAULT '',
    issued_on       TEXT,
    horizon_year    INTEGER NOT NULL,
    baseline_year   INTEGER,
    report_frequency TEXT NOT NULL DEFAULT 'annual',
    report_deadline TEXT NOT NULL DEFAULT '12-05',
    report_to       TEXT,
    spec_json       TEXT NOT NULL,          -- the programme block as loaded, for diffs
    updated_at      TEXT NOT NULL
);

-- Data elements: what focal points type. Tasks and milestones are elements too.
CREATE TABLE data_elements (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    code            TEXT NOT NULL,
    is_task         INTEGER NOT NULL DEFAULT 0,  -- came from the catalogue's tasks section
    name_vi         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    type            TEXT NOT NULL,
    unit            TEXT NOT NULL DEFAULT '',
    min_value       REAL,
    max_value       REAL,
    due_on          TEXT,
    lead_agency     TEXT,
    position        INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1,
    spec_json       TEXT NOT NULL,
    UNIQUE (programme_id, code)
);

CREATE TABLE indicators (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    code            TEXT NOT NULL,
    area            TEXT NOT NULL,
    name_vi         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    unit            TEXT NOT NULL DEFAULT '',
    comparator      TEXT,
    target_value    REAL,
    target_year     INTEGER,
    target_text_vi  TEXT NOT NULL DEFAULT '',
    target_text_en  TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL DEFAULT 'level',
    direction       TEXT NOT NULL DEFAULT 'higher',
    baseline_year   INTEGER,
    baseline_value  REAL,
    milestones_json TEXT NOT NULL DEFAULT '{}',
    aggregation     TEXT NOT NULL,
    element         TEXT,
    numerator       TEXT,
    denominator     TEXT,
    weight          TEXT,
    factor          REAL NOT NULL DEFAULT 1,
    lead_agency     TEXT,
    position        INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1,
    spec_json       TEXT NOT NULL,
    UNIQUE (programme_id, code)
);

-- Every load that changed something, with its diff: the catalogue's own history.
CREATE TABLE catalogue_loads (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    source          TEXT NOT NULL,
    loaded_at       TEXT NOT NULL,
    loaded_by       INTEGER,
    diff_json       TEXT NOT NULL
);

CREATE TABLE agencies (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name_vi         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    parent_code     TEXT,
    valid_from      TEXT,
    valid_to        TEXT,
    status          TEXT NOT NULL DEFAULT 'active',
    successor_code  TEXT REFERENCES agencies(code)
);

-- Which agency reports which element; rebuilt from the catalogue's reporters on load.
CREATE TABLE assignments (
    element_id      INTEGER NOT NULL REFERENCES data_elements(id),
    agency_code     TEXT NOT NULL REFERENCES agencies(code),
    PRIMARY KEY (element_id, agency_code)
);

CREATE TABLE periods (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    code            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    starts_on       TEXT NOT NULL,
    ends_on         TEXT NOT NULL,
    deadline        TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'open',
    ad_hoc          INTEGER NOT NULL DEFAULT 0,
    policy_json     TEXT,                   -- reminder policy override, NULL for the default
    UNIQUE (programme_id, code)
);

CREATE TABLE period_events (
    id              INTEGER PRIMARY KEY,
    period_id       INTEGER NOT NULL REFERENCES periods(id),
    old_state       TEXT,
    new_state       TEXT NOT NULL,
    changed_by      INTEGER,
    changed_at      TEXT NOT NULL
);

CREATE TABLE users (
    telegram_id     INTEGER PRIMARY KEY,
    full_name       TEXT NOT NULL DEFAULT '',
    username        TEXT,
    locale          TEXT,
    role            TEXT,
    started_at      TEXT,
    unreachable_since TEXT,
    paused_until    TEXT,
    created_at      TEXT NOT NULL
);

CREATE TABLE memberships (
    user_id         INTEGER NOT NULL REFERENCES users(telegram_id),
    agency_code     TEXT NOT NULL REFERENCES agencies(code),
    is_primary      INTEGER NOT NULL DEFAULT 1,
    since           TEXT NOT NULL,
    PRIMARY KEY (user_id, agency_code)
);

CREATE TABLE invites (
    token           TEXT PRIMARY KEY,
    agency_code     TEXT REFERENCES agencies(code),
    role            TEXT NOT NULL,
    created_by      INTEGER,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    replaces_user   INTEGER,                -- a handover: this user loses access when the invite is used
    used_by         INTEGER,
    used_at         TEXT
);

-- The current answer per (period, agency, element). History is in value_changes.
CREATE TABLE "values" (
    period_id       INTEGER NOT NULL REFERENCES periods(id),
    agency_code     TEXT NOT NULL REFERENCES agencies(code),
    element_id      INTEGER NOT NULL REFERENCES data_elements(id),
    answer          TEXT NOT NULL DEFAULT 'value',
    number          REAL,
    text            TEXT,
    note            TEXT,
    status          TEXT NOT NULL DEFAULT 'preliminary',
    version         INTEGER NOT NULL,
    updated_by      INTEGER,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (period_id, agency_code, element_id)
);

-- Append-only audit trail: every change to a value, old -> new, who and when.
CREATE TABLE value_changes (
    id              INTEGER PRIMARY KEY,
    period_id       INTEGER NOT NULL,
    agency_code     TEXT NOT NULL,
    element_id      INTEGER NOT NULL,
    version         INTEGER NOT NULL,
    old_answer      TEXT,
    old_number      REAL,
    old_text        TEXT,
    new_answer      TEXT NOT NULL,
    new_number      REAL,
    new_text        TEXT,
    note            TEXT,
    status          TEXT NOT NULL,
    changed_by      INTEGER,
    changed_at      TEXT NOT NULL,
    UNIQUE (period_id, agency_code, element_id, version)
);
CREATE INDEX value_changes_by_agency ON value_changes (agency_code, period_id);

CREATE TRIGGER value_changes_are_append_only_update BEFORE UPDATE ON value_changes
BEGIN SELECT RAISE(ABORT, 'value_changes is append-only'); END;
CREATE TRIGGER value_changes_are_append_only_delete BEFORE DELETE ON value_changes
BEGIN SELECT RAISE(ABORT, 'value_changes is append-only'); END;

CREATE TABLE submissions (
    period_id       INTEGER NOT NULL REFERENCES periods(id),
    agency_code     TEXT NOT NULL REFERENCES agencies(code),
    submitted_at    TEXT NOT NULL,
    submitted_by    INTEGER,
    on_time         INTEGER NOT NULL,
    PRIMARY KEY (period_id, agency_code)
);

-- One row per reminder slot and recipient: the unique key makes each reminder go out at most once.
CREATE TABLE reminder_log (
    period_id       INTEGER NOT NULL REFERENCES periods(id),
    user_id         INTEGER NOT NULL,
    slot            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    claimed_at      TEXT NOT NULL,
    outcome         TEXT NOT NULL DEFAULT 'pending',  -- pending, sent, unknown, forbidden, skipped
    detail          TEXT,
    PRIMARY KEY (period_id, user_id, slot)
);
