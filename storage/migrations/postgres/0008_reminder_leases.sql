-- A reminder is claimed just before it is sent, as a lease held by one sending process. `owner` names the
-- claim (host:pid:random token) and `lease_until` is when it lapses (ISO 8601 UTC, milliseconds).
-- outcome: claimed (leased, not yet handed to Telegram; a lapsed one is released and sent again),
-- sending (handed to Telegram; if its process dies this becomes unknown, since it may have arrived),
-- sent, unknown (it may have arrived: never repeated), forbidden, failed, skipped.
ALTER TABLE reminder_log ADD COLUMN owner TEXT;
ALTER TABLE reminder_log ADD COLUMN lease_until TEXT;

-- An older version claimed a whole slot before sending and wrote 'pending' until it heard back, so each
-- pending row may or may not have gone out: uncertain, never to be repeated blindly.
UPDATE reminder_log
SET outcome = 'unknown', detail = COALESCE(detail, 'claimed by an older version that stopped before it heard back')
WHERE outcome = 'pending';

-- The next moment a reminder may go out, shared by every sender on this database (seconds since the epoch),
-- so that two senders at once keep to the send rate together instead of each to all of it.
CREATE TABLE reminder_pace (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    next_at DOUBLE PRECISION NOT NULL
);
