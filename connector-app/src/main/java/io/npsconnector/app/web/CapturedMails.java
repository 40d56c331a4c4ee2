package io.npsconnector.app.web;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The mails an embedded SMTP server captured, as their recipients would see them: present only in the demo,
 * where the dashboard lists and shows them; {@link #NONE} everywhere else, and the dashboard then has no mail
 * pages at all. Implementations are safe to call from several request threads.
 */
public interface CapturedMails {
  /** No capture (production): the dashboard shows no mail pages. */
  CapturedMails NONE = new CapturedMails() {
    @Override
    public boolean capturing() {
      return false;
    }

    @Override
    public List<Mail> all() {
      return List.of();
    }
  };

  /** True when this process captures mails (the demo). */
  default boolean capturing() {
    return true;
  }

  /** Every captured mail, in the order received; {@link Mail#number()} counts from 1. */
  List<Mail> all();

  /** The mail of that number, if captured. */
  default Optional<Mail> find(int number) {
    List<Mail> mails = all();
    return number >= 1 && number <= mails.size() ? Optional.of(mails.get(number - 1)) : Optional.empty();
  }

  /**
   * One captured mail.
   *
   * @param headers every header line as sent (name and decoded value)
   * @param text the text/plain part, if any
   * @param html the text/html part, if any
   */
  record Mail(int number, Instant receivedAt, String to, String subject, List<Header> headers, Optional<String> text,
      Optional<String> html) {}

  /** A header as sent. */
  record Header(String name, String value) {}
}
