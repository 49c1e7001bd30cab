-- Dated reorganisations (issue 17). An agency carries its province (or city); a commune-level unit the
-- names of the former units it was formed from. Who answered for whom, and when, is kept row by row, so
-- the structure on any date can be rebuilt and nothing an abolished unit reported is ever orphaned.
ALTER TABLE agencies ADD COLUMN province TEXT;
ALTER TABLE agencies ADD COLUMN formed_from_json TEXT NOT NULL DEFAULT '[]';

-- predecessor -> successor from a date on: a merger (many rows into one successor), a rename is not here
-- (the code stays), an abolition (one row per unit that takes over part of its area).
CREATE TABLE agency_successions (
    predecessor TEXT NOT NULL REFERENCES agencies(code),
    successor   TEXT NOT NULL REFERENCES agencies(code),
    on_date     TEXT NOT NULL,
    event       TEXT NOT NULL,              -- merge | abolish
    PRIMARY KEY (predecessor, successor)
);

-- The names an agency had before a rename: `until` is the date the next name took effect.
CREATE TABLE agency_names (
    code        TEXT NOT NULL REFERENCES agencies(code),
    until       TEXT NOT NULL,
    name_vi     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    PRIMARY KEY (code, until)
);

-- Every reorganisation file applied with a change, and what it changed: the structure's own history.
CREATE TABLE reorganisation_loads (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    loaded_at   TEXT NOT NULL,
    changes_json TEXT NOT NULL
);

-- The successions merges recorded before this migration.
INSERT OR IGNORE INTO agency_successions (predecessor, successor, on_date, event)
SELECT code, successor_code, COALESCE(valid_to, '1970-01-01'), 'merge' FROM agencies WHERE successor_code IS NOT NULL;

-- A counter every change to the structure or a catalogue bumps, in any process: who owes what is resolved
-- per period and kept while the counter stands still (one indexed read instead of rebuilding it per answer).
CREATE TABLE structure_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO structure_version (id, version) VALUES (1, 0);
CREATE TRIGGER agencies_inserted AFTER INSERT ON agencies BEGIN UPDATE structure_version SET version = version + 1; END;
CREATE TRIGGER agencies_updated AFTER UPDATE ON agencies BEGIN UPDATE structure_version SET version = version + 1; END;
CREATE TRIGGER successions_inserted AFTER INSERT ON agency_successions BEGIN UPDATE structure_version SET version = version + 1; END;
CREATE TRIGGER names_inserted AFTER INSERT ON agency_names BEGIN UPDATE structure_version SET version = version + 1; END;
CREATE TRIGGER elements_inserted AFTER INSERT ON data_elements BEGIN UPDATE structure_version SET version = version + 1; END;
CREATE TRIGGER elements_updated AFTER UPDATE ON data_elements BEGIN UPDATE structure_version SET version = version + 1; END;
CREATE TRIGGER programmes_updated AFTER UPDATE ON programmes BEGIN UPDATE structure_version SET version = version + 1; END;
