-- Keyset paging on indexed columns (issue #17). The trigger pass pages through the pending pairs of one
-- connection in (occurred at, event, contact) order: the pair carries its event's connection and time (an
-- event's are never changed once stored), so that one index both finds the pending pairs and gives their
-- order, and a page is read from where the last one ended instead of sorting every pending row again.
ALTER TABLE event_contacts ADD COLUMN connection VARCHAR(63);
ALTER TABLE event_contacts ADD COLUMN occurred_at TIMESTAMP WITH TIME ZONE;
UPDATE event_contacts SET
  connection = (SELECT e.connection FROM events e WHERE e.id = event_contacts.event_id),
  occurred_at = (SELECT e.occurred_at FROM events e WHERE e.id = event_contacts.event_id);
ALTER TABLE event_contacts ALTER COLUMN connection SET NOT NULL;
ALTER TABLE event_contacts ALTER COLUMN occurred_at SET NOT NULL;
DROP INDEX ix_event_contacts_pending;
CREATE INDEX ix_event_contacts_pending ON event_contacts (connection, evaluated_at, occurred_at, event_id,
  contact_crm_id);
-- the relationship quota and the contacts a trigger decided on today
CREATE INDEX ix_decisions_trigger ON decisions (connection, trigger_name, decided_at);
-- the write-back queue's pending rows in id order, page after page
CREATE INDEX ix_writeback_pending ON writeback_queue (connection, state, id);
