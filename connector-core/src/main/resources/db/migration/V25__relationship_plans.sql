-- Issue #17: a trigger pass with nothing due costs no per-contact work.
-- The day's relationship plan of each trigger, as the pass that made it left it: once the day's quota is planned,
-- or every due contact was decided on and nothing changed since, later passes of the day read this row instead of
-- walking the whole base again. fingerprint is the trigger's settings as planned; another configuration replans.
CREATE TABLE relationship_plans (
  connection   VARCHAR(63)  NOT NULL,
  trigger_name VARCHAR(63)  NOT NULL,
  day_start    TIMESTAMP WITH TIME ZONE NOT NULL,
  fingerprint  VARCHAR(64)  NOT NULL,
  quota        INTEGER      NOT NULL,
  due_left     INTEGER      NOT NULL,
  next_due     TIMESTAMP WITH TIME ZONE,
  planned_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT pk_relationship_plans PRIMARY KEY (connection, trigger_name)
);
-- reconcile pages through the connection's waiting invitations by id; the plan cache asks for invitations
-- suppressed or failed since a moment (both seek on the state)
CREATE INDEX ix_invitations_state ON invitations (connection, state, id);
