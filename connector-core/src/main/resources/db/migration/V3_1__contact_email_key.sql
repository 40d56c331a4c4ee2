-- Fatigue counted per person (fatigue.scope: person, the default) finds every contact with one e-mail
-- address, in any connection, ignoring case: email_key is the address in lower case, indexed.
ALTER TABLE contacts ADD COLUMN email_key VARCHAR(320);
UPDATE contacts SET email_key = LOWER(email);
CREATE INDEX ix_contacts_email_key ON contacts (email_key);
