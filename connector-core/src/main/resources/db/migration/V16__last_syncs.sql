-- The last finished sync of each connection, whichever instance ran it: what the dashboard shows for every
-- instance (and after a restart), not only for the one that synced.
CREATE TABLE last_syncs (
  connection   VARCHAR(63) NOT NULL PRIMARY KEY,
  finished_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  duration_ms  BIGINT      NOT NULL,
  pages        INTEGER     NOT NULL,
  contacts     INTEGER     NOT NULL,
  events       INTEGER     NOT NULL,
  api_calls    INTEGER     NOT NULL,
  evaluated    INTEGER     NOT NULL,
  invited      INTEGER     NOT NULL,
  suppressed   INTEGER     NOT NULL,
  collapsed    INTEGER     NOT NULL
);
