package io.npsconnector.app.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import com.icegreen.greenmail.util.GreenMail;

import io.npsconnector.app.web.CapturedMails;
import jakarta.mail.Header;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

/** The demo's embedded SMTP server's mails, for the dashboard and as {@code .eml} files. */
final class SmtpCapture implements CapturedMails {
  private final GreenMail smtp;

  SmtpCapture(GreenMail smtp) {
    this.smtp = smtp;
  }

  /** Whether the mail is an alert (an owner's mail, {@code Auto-Submitted: auto-generated}), not a survey. */
  static boolean isAlert(MimeMessage mail) {
    try {
      String[] values = mail.getHeader("Auto-Submitted");
      return values != null && java.util.Arrays.asList(values).contains("auto-generated");
    } catch (MessagingException e) {
      throw new IllegalStateException("cannot read a captured mail's headers: " + e.getMessage(), e);
    }
  }

  @Override
  public List<Mail> all() {
    MimeMessage[] received = smtp.getReceivedMessages();
    List<Mail> mails = new ArrayList<>(received.length);
    for (int i = 0; i < received.length; i++) {
      mails.add(mail(i + 1, received[i]));
    }
    return Collections.unmodifiableList(mails);
  }

  /**
   * Writes every captured mail to {@code folder} as {@code 001.eml}, {@code 002.eml}, ... (what a mail program
   * opens), replacing what an earlier demo left there; the number of files written.
   */
  int writeEml(Path folder) throws IOException {
    Files.createDirectories(folder);
    try (var old = Files.list(folder)) {
      for (Path file : old.filter(file -> file.getFileName().toString().endsWith(".eml")).toList()) {
        Files.delete(file);
      }
    }
    MimeMessage[] received = smtp.getReceivedMessages();
    for (int i = 0; i < received.length; i++) {
      try (OutputStream out = Files.newOutputStream(folder.resolve(String.format("%03d.eml", i + 1)))) {
        received[i].writeTo(out);
      } catch (MessagingException e) {
        throw new IOException("cannot write captured mail " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return received.length;
  }

  private static Mail mail(int number, MimeMessage message) {
    try {
      List<Header> headers = new ArrayList<>();
      for (jakarta.mail.Header header : Collections.list(message.getAllHeaders())) {
        headers.add(new Header(header.getName(), decoded(header.getValue())));
      }
      String[] parts = new String[2];
      collect(message, parts);
      Instant at = Optional.ofNullable(message.getReceivedDate()).or(() -> Optional.ofNullable(sentDate(message)))
          .map(java.util.Date::toInstant).orElse(Instant.EPOCH);
      jakarta.mail.Address[] to = message.getRecipients(Message.RecipientType.TO);
      return new Mail(number, at, to == null ? "" : MimeUtility.decodeText(String.join(", ",
          java.util.Arrays.stream(to).map(Object::toString).toList())), Optional.ofNullable(message.getSubject())
          .orElse(""), List.copyOf(headers), Optional.ofNullable(parts[0]), Optional.ofNullable(parts[1]));
    } catch (MessagingException | IOException e) {
      throw new UncheckedIOException(new IOException("cannot read captured mail " + number + ": " + e.getMessage(),
          e));
    }
  }

  private static java.util.Date sentDate(MimeMessage message) {
    try {
      return message.getSentDate();
    } catch (MessagingException e) {
      return null;
    }
  }

  /** The first text/plain and the first text/html part, through nested multiparts; attachments are skipped. */
  private static void collect(Part part, String[] found) throws MessagingException, IOException {
    if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
      return;
    }
    if (part.isMimeType("text/plain") && found[0] == null) {
      found[0] = (String) part.getContent();
    } else if (part.isMimeType("text/html") && found[1] == null) {
      found[1] = (String) part.getContent();
    } else if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      for (int i = 0; i < multipart.getCount(); i++) {
        collect(multipart.getBodyPart(i), found);
      }
    }
  }

  private static String decoded(String value) {
    try {
      return MimeUtility.decodeText(MimeUtility.unfold(value));
    } catch (java.io.UnsupportedEncodingException e) {
      return value;
    }
  }
}
