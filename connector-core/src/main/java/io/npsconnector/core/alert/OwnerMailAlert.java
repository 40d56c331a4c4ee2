package io.npsconnector.core.alert;

import gg.jte.output.StringOutput;
import io.npsconnector.core.render.HtmlOutput;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Mails alerts to the contact's owner, at the address the CRM gives for the owner, else to the configured
 * fallback. The mail has a plain-text part (values as they are) and an HTML part (every value escaped by
 * {@link HtmlOutput}), from the templates {@code alert/alert-mail.txt.jte} and {@code alert/alert-mail.html.jte}.
 */
public final class OwnerMailAlert implements AlertDestination {
  private static final Pattern LINE_END = Pattern.compile("\\R");

  private final Optional<String> fallback;
  private final AlertMailer mailer;

  public OwnerMailAlert(Optional<String> fallback, AlertMailer mailer) {
    this.fallback = Objects.requireNonNull(fallback, "fallback");
    this.mailer = Objects.requireNonNull(mailer, "mailer");
  }

  @Override
  public String key() {
    return "owner-mail";
  }

  @Override
  public boolean needsOwnerEmail() {
    return true;
  }

  @Override
  public Optional<String> send(AlertMessage message) {
    String to = message.ownerEmail().or(() -> fallback).orElseThrow(() -> new AlertException(
        "the CRM names no owner e-mail for contact " + message.contactName() + " and alerts.owner-mail has no "
            + "fallback", false));
    mailer.sendAlert(render(message, to));
    return Optional.of(to);
  }

  /** The mail to {@code to}. */
  static AlertMail render(AlertMessage message, String to) {
    StringOutput text = new StringOutput();
    JtealertmailtxtGenerated.render(text, null, message);
    HtmlOutput html = HtmlOutput.toText();
    JtealertmailhtmlGenerated.render(html, null, message);
    return new AlertMail(message.key(), to, oneLine(message.headline()), crlf(text.toString()), crlf(html.toString()));
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ").strip();
  }

  private static String crlf(String text) {
    return LINE_END.matcher(text).replaceAll("\r\n");
  }

  @Override
  public String toString() {
    return "OwnerMailAlert";
  }
}
