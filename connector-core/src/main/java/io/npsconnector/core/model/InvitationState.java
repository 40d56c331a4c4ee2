package io.npsconnector.core.model;

/** Where an invitation is in its life; every change is kept in its history. */
public enum InvitationState {
  /** Waiting for its send time. */
  SCHEDULED,
  /** Claimed by a sender; the message may be on its way. */
  SENDING,
  SENT,
  REMINDED,
  ANSWERED,
  /** Re-checked at send time and not sent (opt-out, fatigue, ...), with the reason. */
  SUPPRESSED,
  /** Could not be sent, with the error and the attempts. */
  FAILED,
  /** Sent, never answered, and past its expiry. */
  EXPIRED;

  /** States in which the contact counts as surveyed for fatigue. */
  public boolean countsAsSurveyed() {
    return this != SUPPRESSED && this != FAILED;
  }
}
