-- Each running bot process notes here, every minute, that it is alive; `chitieu-bot health` (the container's
-- health check) reads it. One row per process, replaced at each beat.
CREATE TABLE heartbeat (
    process TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    beat_at TEXT NOT NULL
);
