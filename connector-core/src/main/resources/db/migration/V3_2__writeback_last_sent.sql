-- When a queue row was last handed to the CRM. Set before the call and committed, so that after a crash
-- between the CRM's answer and the result's commit the engine knows the outcome is unknown and the adapter
-- looks the record up by its key before creating it again. Numbered 3.1 so that it sorts after V3 of a
-- parallel change without clashing. The same statement runs on H2 2.x and PostgreSQL.
ALTER TABLE writeback_queue ADD COLUMN last_sent_at TIMESTAMP WITH TIME ZONE;
