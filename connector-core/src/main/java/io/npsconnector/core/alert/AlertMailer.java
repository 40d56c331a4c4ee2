package io.npsconnector.core.alert;

/** Sends alert mails over the configured SMTP server (the e-mail channel's). Thread-safe. */
@FunctionalInterface
public interface AlertMailer {
  /**
   * @throws AlertException when the mail was not taken; retriable unless the server refused the recipient for good
   */
  void sendAlert(AlertMail mail);
}
