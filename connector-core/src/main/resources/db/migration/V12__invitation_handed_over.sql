-- When the current attempt's message was handed to its channel (for e-mail: the SMTP server took the
-- connection and is about to receive the message). From then on the message may have been delivered, so an
-- invitation found SENDING with this time set (its process died before recording the outcome) is recorded as
-- sent, with the message id and expiry stored at hand-over, and never sent again. Cleared when the channel
-- reports the message was not taken (a retry, a failure).
ALTER TABLE invitations ADD COLUMN handed_over_at TIMESTAMP WITH TIME ZONE;
