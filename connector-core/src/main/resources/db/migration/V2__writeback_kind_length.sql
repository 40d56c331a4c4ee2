-- writeback_queue.kind was VARCHAR(16), one short of TIMELINE_ACTIVITY (17): every answer that queued a
-- timeline activity (the default) failed. The same statement runs on H2 2.x and PostgreSQL.
ALTER TABLE writeback_queue ALTER COLUMN kind SET DATA TYPE VARCHAR(32);
