-- A connection the engine stopped because the CRM refused its credentials: shared by every instance, kept
-- across restarts, cleared when an admin resumes the connection or its credentials change (the fingerprint
-- is a hash of them, never a secret).
CREATE TABLE connection_states (
  connection              VARCHAR(63)   NOT NULL PRIMARY KEY,
  operation               VARCHAR(64)   NOT NULL,
  message                 VARCHAR(2000) NOT NULL,
  credentials_fingerprint VARCHAR(64)   NOT NULL,
  stopped_at              TIMESTAMP WITH TIME ZONE NOT NULL
);
