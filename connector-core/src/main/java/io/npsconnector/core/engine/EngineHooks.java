package io.npsconnector.core.engine;

/**
 * Named points between the steps of the pipeline, where tests make the process "die" (by throwing) to
 * prove that a restart loses and duplicates nothing. Production uses {@link #NONE}.
 */
@FunctionalInterface
public interface EngineHooks {
  /** After a sync page's contacts and events are stored, before its cursor is committed. */
  String SYNC_STORED = "sync.stored";
  /** After an invitation is claimed for sending (state SENDING committed), before the channel is called. */
  String SEND_CLAIMED = "send.claimed";
  /**
   * After the attempt was recorded as handed over (time, message id, expiry), before the channel transmits
   * the message (for e-mail: connected to the SMTP server). A process dying here leaves a message that may or
   * may not have arrived; it is recorded as sent and not sent again.
   */
  String SEND_HANDED_OVER = "send.handed-over";
  /** After the channel accepted the message, before the invitation is marked sent. */
  String SEND_DELIVERED = "send.delivered";
  /** After the send is recorded, before its reminder and expiry are scheduled. */
  String SEND_RECORDED = "send.recorded";
  /** After an answer and its write-back requests are committed, before any write-back. */
  String ANSWER_STORED = "answer.stored";
  /** After the CRM answered a write-back batch, before its results are committed. */
  String WRITEBACK_ACKNOWLEDGED = "writeback.acknowledged";

  EngineHooks NONE = point -> {};

  void at(String point);
}
