-- The account roll-up each CRM last acknowledged (NPS, n and the 95 % interval, points), so that the daily
-- refresh rewrites only the accounts whose figure moved with the window.
CREATE TABLE account_rollups (
  connection  VARCHAR(63)  NOT NULL,
  account_id  VARCHAR(255) NOT NULL,
  nps         DOUBLE PRECISION,
  responses   INTEGER      NOT NULL,
  ci_low      DOUBLE PRECISION,
  ci_high     DOUBLE PRECISION,
  written_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (connection, account_id)
);
