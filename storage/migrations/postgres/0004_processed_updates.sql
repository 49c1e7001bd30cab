-- Update ids already handled, so a batch redelivered after a crash is not processed twice.
CREATE TABLE processed_updates (
    update_id       BIGINT PRIMARY KEY,
    seen_at         TEXT NOT NULL
);
CREATE INDEX processed_updates_by_time ON processed_updates (seen_at);
