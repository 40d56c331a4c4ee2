package io.npsconnector.core.delivery.email;

import io.npsconnector.config.BrandingConfig;
import io.npsconnector.config.EmailChannelConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.config.Secret;
import io.npsconnector.config.TemplateConfig;
import io.npsconnector.core.delivery.Channel;
import io.npsconnector.core.delivery.Delivery;
import io.npsconnector.core.delivery.DeliveryException;
import io.npsconnector.core.delivery.DeliveryReceipt;
import io.npsconnector.core.delivery.HandOver;
import io.npsconnector.core.delivery.MailLinks;
import io.npsconnector.core.delivery.SurveyLinks;
import io.npsconnector.core.model.Contact;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Provider;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.URLName;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UnsupportedEncodingException;
import java.net.IDN;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.eclipse.angus.mail.util.MailConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers invitations and reminders as e-mail over SMTP (Angus Mail).
 *
 * <p>Each mail is {@code multipart/alternative}: a plain-text part and an HTML part (UTF-8), in the contact's
 * language, with the 0-10 scale as eleven links ({@link SurveyLinks#survey(long, java.time.Instant, int)}) and an
 * unsubscribe link, which the headers {@code List-Unsubscribe} and {@code List-Unsubscribe-Post} (RFC 8058
 * one-click) repeat. The {@code Message-ID} is derived from the delivery's idempotency key and the sender's
 * domain, {@code <nps-KEY@domain>}: fixed before the message leaves, it is given to the {@link HandOver} once the
 * SMTP server has taken the connection and before the message is transmitted, and every attempt carries it.
 *
 * <p>Failures: a recipient the server refuses with a 5xx reply (or no valid address at all) is permanent; 4xx
 * replies, connection failures, timeouts and any other error are retriable, except a timeout or a dropped
 * connection after the whole message was transmitted and before the server replied: the server may have taken
 * it, so its outcome is unknown ({@link DeliveryException#outcomeUnknown()}) and it is not retried. The SMTP
 * password appears in no message and no log.
 *
 * <p>Connections: at most {@code max-connections} are open at once ({@link SmtpConnections}), each kept open
 * between mails and used by one send at a time, so that as many mails are in flight at most; an optional
 * {@code max-per-second} caps the mails sent per second across all of them ({@link SendRate}). A kept connection
 * the server dropped while it was idle fails before the message's end mark, before the hand-over: the mail is
 * then sent once more, on a new connection, within the same call (the server discards a message it never saw
 * the end of). Thread-safe; {@link #close} closes the kept connections.
 */
public final class EmailChannel implements Channel, io.npsconnector.core.alert.AlertMailer, AutoCloseable {
  public static final String ID = "email";
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  /** How long a connection is kept open without a mail: shorter than the idle timeout of common SMTP servers. */
  public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
  static final String LIST_UNSUBSCRIBE = "List-Unsubscribe";
  static final String LIST_UNSUBSCRIBE_POST = "List-Unsubscribe-Post";
  static final String ONE_CLICK = "List-Unsubscribe=One-Click";
  static final String MESSAGE_ID_PREFIX = "nps-";
  static final String FALLBACK_DOMAIN = "npsconnector.invalid";
  /** The header that marks a test mail ({@link #sendTest}). */
  public static final String TEST_HEADER = "X-NPS-Test";

  private static final Logger LOG = LoggerFactory.getLogger(EmailChannel.class);
  private static final String UTF_8 = StandardCharsets.UTF_8.name();
  /** A bare address: no display name, brackets, spaces, commas or quotes (those need no support in CRM data). */
  private static final Pattern BARE_ADDRESS =
      Pattern.compile("[^\\s@<>()\\[\\],;:\"\\\\]+@[^\\s@<>()\\[\\],;:\"\\\\]+\\.[^\\s@<>()\\[\\],;:\"\\\\]+");
  private static final int MAX_KEY_LENGTH = 96;
  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  static {
    MailStreams.pin();
  }

  private final String host;
  private final int port;
  private final Optional<String> user;
  private final Optional<Secret> password;
  private final InternetAddress from;
  private final Optional<InternetAddress> replyTo;
  private final String domain;
  private final String company;
  private final Map<String, TemplateConfig> templates;
  private final BrandingConfig branding;
  private final SurveyLinks links;
  private final Clock clock;
  private final Session session;
  private final SmtpConnections connections;
  private final SendRate rate;

  /**
   * A channel sending through {@code smtp}, with a 10 s connection and a 30 s read/write timeout.
   *
   * @param company the company's name ({company} in templates)
   * @param templates by name, as {@link NpsConfig#templates()}; a delivery names its template
   * @param links builds the survey and unsubscribe links
   * @param clock for the {@code Date} header
   * @throws IllegalArgumentException when the configured {@code from} or {@code reply-to} is not an address
   */
  public EmailChannel(EmailChannelConfig smtp, String company, Map<String, TemplateConfig> templates,
      SurveyLinks links, Clock clock) {
    this(smtp, company, templates, BrandingConfig.NONE, links, clock, CONNECT_TIMEOUT, READ_TIMEOUT);
  }

  /** As {@link #EmailChannel(EmailChannelConfig, String, Map, SurveyLinks, Clock)}, in the brand's look. */
  public EmailChannel(EmailChannelConfig smtp, String company, Map<String, TemplateConfig> templates,
      BrandingConfig branding, SurveyLinks links, Clock clock) {
    this(smtp, company, templates, branding, links, clock, CONNECT_TIMEOUT, READ_TIMEOUT);
  }

  EmailChannel(EmailChannelConfig smtp, String company, Map<String, TemplateConfig> templates, SurveyLinks links,
      Clock clock, Duration connectTimeout, Duration readTimeout) {
    this(smtp, company, templates, BrandingConfig.NONE, links, clock, connectTimeout, readTimeout);
  }

  EmailChannel(EmailChannelConfig smtp, String company, Map<String, TemplateConfig> templates,
      BrandingConfig branding, SurveyLinks links, Clock clock, Duration connectTimeout, Duration readTimeout) {
    this(smtp, company, templates, branding, links, clock, connectTimeout, readTimeout, IDLE_TIMEOUT,
        SendRate.perSecond(smtp.maxPerSecond()));
  }

  /** As configured, with the timeouts, the idle time of kept connections and the rate cap given (tests). */
  EmailChannel(EmailChannelConfig smtp, String company, Map<String, TemplateConfig> templates,
      BrandingConfig branding, SurveyLinks links, Clock clock, Duration connectTimeout, Duration readTimeout,
      Duration idle, SendRate rate) {
    Objects.requireNonNull(smtp, "smtp");
    this.host = Objects.requireNonNull(smtp.host(), "host");
    this.port = smtp.port();
    this.user = smtp.user() == null ? Optional.empty() : smtp.user().filter(value -> !value.isBlank());
    this.password = smtp.password() == null ? Optional.empty() : smtp.password();
    this.from = address("from", smtp.from());
    this.replyTo = smtp.replyTo() == null ? Optional.empty()
        : smtp.replyTo().filter(value -> !value.isBlank()).map(value -> address("reply-to", value));
    this.domain = domainOf(from);
    this.company = Objects.requireNonNull(company, "company");
    this.templates = Map.copyOf(Objects.requireNonNull(templates, "templates"));
    this.branding = Objects.requireNonNull(branding, "branding");
    this.links = Objects.requireNonNull(links, "links");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.session = Session.getInstance(properties(smtp.tls(), connectTimeout, readTimeout));
    this.rate = Objects.requireNonNull(rate, "rate");
    this.connections = new SmtpConnections(smtp.maxConnections(), idle, clock, this::connect);
  }

  /** A new connection to the server, logged in when a user is configured. */
  private Transport connect() throws MessagingException {
    Transport transport = session.getTransport(TRACKED_SMTP);
    try {
      transport.connect(host, port, user.orElse(null), password.map(Secret::reveal).orElse(null));
    } catch (MessagingException | RuntimeException e) {
      close(transport);
      throw e;
    }
    return transport;
  }

  /** Closes the connections kept open between mails; a send still under way closes its own when done. */
  @Override
  public void close() {
    connections.close();
  }

  /** How many SMTP connections this channel opened so far. */
  public long connectionsOpened() {
    return connections.opened();
  }

  /** The most sends that held a connection at the same time so far. */
  public int mostConcurrentSends() {
    return connections.mostInUse();
  }

  /**
   * The e-mail channel of a configuration file: its {@code channels.email}, company and templates.
   *
   * @throws IllegalStateException when the file configures no e-mail channel
   */
  public static EmailChannel create(NpsConfig config, SurveyLinks links, Clock clock) {
    EmailChannelConfig smtp = config.email()
        .orElseThrow(() -> new IllegalStateException("no e-mail channel is configured (channels.email)"));
    return new EmailChannel(smtp, config.company(), config.templates(), config.branding(), links, clock);
  }

  private Properties properties(EmailChannelConfig.TlsMode tls, Duration connectTimeout, Duration readTimeout) {
    Properties props = new Properties();
    props.setProperty("mail.transport.protocol", "smtp");
    props.setProperty("mail.smtp.host", host);
    props.setProperty("mail.smtp.port", Integer.toString(port));
    props.setProperty("mail.smtp.connectiontimeout", Long.toString(connectTimeout.toMillis()));
    props.setProperty("mail.smtp.timeout", Long.toString(readTimeout.toMillis()));
    props.setProperty("mail.smtp.writetimeout", Long.toString(readTimeout.toMillis()));
    props.setProperty("mail.smtp.auth", Boolean.toString(user.isPresent()));
    EmailChannelConfig.TlsMode mode = tls == null ? EmailChannelConfig.TlsMode.STARTTLS : tls;
    if (mode != EmailChannelConfig.TlsMode.SMTPS) {
      props.put("mail.smtp.socketFactory", NoDelaySockets.INSTANCE);
      props.setProperty("mail.smtp.socketFactory.fallback", "false");
    }
    switch (mode) {
      case STARTTLS -> {
        props.setProperty("mail.smtp.starttls.enable", "true");
        props.setProperty("mail.smtp.starttls.required", "true");
        props.setProperty("mail.smtp.ssl.checkserveridentity", "true");
      }
      case SMTPS -> {
        props.setProperty("mail.smtp.ssl.enable", "true");
        props.setProperty("mail.smtp.ssl.checkserveridentity", "true");
      }
      case NONE -> props.setProperty("mail.smtp.starttls.enable", "false");
    }
    return props;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public DeliveryReceipt send(Delivery delivery) {
    return send(delivery, HandOver.NONE);
  }

  /**
   * Connects to the SMTP server and transmits the message; {@code handOver} is called with the message's id once
   * the whole message has been transmitted, just before the mark that ends it (the server takes a message only
   * on that mark: a process that dies before it leaves nothing delivered).
   */
  @Override
  public DeliveryReceipt send(Delivery delivery, HandOver handOver) {
    String invitation = "invitation " + delivery.invitationId();
    if (delivery.expiresAt() == null) {
      throw new DeliveryException(invitation + " has no expiry, so its links cannot be signed", false, null);
    }
    InternetAddress recipient = recipient(delivery.contact(), invitation);
    EmailContent content = content(delivery, MailLinks.of(links, delivery.invitationId(), delivery.expiresAt()),
        false, invitation);
    String messageId = messageId(delivery.idempotencyKey(), domain);
    transmit(invitation, message(messageId, recipient, content, false, invitation), recipient, handOver, messageId,
        true);
    LOG.debug("sent {} ({}) by e-mail as {}", invitation, delivery.kind(), messageId);
    return DeliveryReceipt.of(messageId);
  }

  /**
   * Sends {@code delivery}'s mail as a test to {@code to} rather than to the contact: {@code [TEST]} before the
   * subject, a notice above the texts, the header {@code X-NPS-Test: true}, {@code links} (which lead to a test page)
   * instead of the invitation's, and a Message-ID of its own. Nothing is recorded anywhere.
   *
   * @throws DeliveryException when it was not sent, or {@code to} is not one e-mail address
   */
  public DeliveryReceipt sendTest(Delivery delivery, MailLinks links, String to) {
    String what = "test mail to " + to;
    InternetAddress recipient = testRecipient(to);
    EmailContent content = content(delivery, links, true, what);
    String messageId = "<" + MESSAGE_ID_PREFIX + "test-" + UUID.randomUUID() + "@" + domain + ">";
    transmit(what, message(messageId, recipient, content, true, what), recipient, HandOver.NONE, messageId, true);
    LOG.info("sent a test mail of trigger {} to {}", delivery.trigger(), recipient.getAddress());
    return DeliveryReceipt.of(messageId);
  }

  /**
   * {@code delivery}'s mail as it would be sent (with {@code links}; as a test mail when {@code test}), without
   * sending it: the subject, both parts and the whole message as an {@code .eml} file (RFC 5322, CRLF).
   *
   * @param to the recipient it is addressed to, when not the contact (a test mail's)
   * @throws DeliveryException when the contact has no valid address and no {@code to} is given, or the template
   *     is not configured
   */
  public RenderedMail render(Delivery delivery, MailLinks links, boolean test, Optional<String> to) {
    String what = "the mail of invitation " + delivery.invitationId();
    InternetAddress recipient = to.isPresent() ? testRecipient(to.get()) : recipient(delivery.contact(), what);
    EmailContent content = content(delivery, links, test, what);
    String messageId = test ? "<" + MESSAGE_ID_PREFIX + "test-preview@" + domain + ">"
        : messageId(delivery.idempotencyKey(), domain);
    MimeMessage message = message(messageId, recipient, content, test, what);
    ByteArrayOutputStream eml = new ByteArrayOutputStream();
    try {
      message.writeTo(eml);
    } catch (IOException | MessagingException e) {
      throw new DeliveryException(what + ": could not write the e-mail: " + redact(e.getMessage()), false, e);
    }
    return new RenderedMail(content.languageTag(), content.subject(), content.text(), content.html(),
        eml.toByteArray());
  }

  /**
   * A mail rendered without sending it.
   *
   * @param languageTag the language of the template texts used
   * @param eml the whole message, headers and both parts, as sent
   */
  public record RenderedMail(String languageTag, String subject, String text, String html, byte[] eml) {}

  /** Whether {@code address} is one e-mail address this channel can send to (a test mail's recipient). */
  public static Optional<String> addressProblem(String address) {
    try {
      testRecipient(address);
      return Optional.empty();
    } catch (DeliveryException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static InternetAddress testRecipient(String to) {
    String email = to == null ? "" : to.strip();
    String ascii = asciiDomain(email);
    if (email.isEmpty() || ascii == null || !BARE_ADDRESS.matcher(ascii).matches()) {
      throw new DeliveryException("'" + to + "' is not an e-mail address (write one address, such as "
          + "you@example.com)", false, null);
    }
    try {
      InternetAddress address = new InternetAddress(ascii, true);
      address.validate();
      return address;
    } catch (AddressException e) {
      throw new DeliveryException("'" + to + "' is not an e-mail address: " + e.getMessage(), false, e);
    }
  }

  private EmailContent content(Delivery delivery, MailLinks mailLinks, boolean test, String what) {
    TemplateConfig template = templates.get(delivery.template());
    if (template == null || template.locales().isEmpty()) {
      throw new DeliveryException(what + " uses the template '" + delivery.template()
          + "', which is not configured", false, null);
    }
    return EmailContent.render(template, delivery, company, mailLinks, branding, test);
  }

  private MimeMessage message(String messageId, InternetAddress recipient, EmailContent content, boolean test,
      String what) {
    try {
      return message(messageId, recipient, content, test);
    } catch (MessagingException e) {
      throw new DeliveryException(what + ": could not build the e-mail: " + redact(e.getMessage()), false, e);
    }
  }

  /**
   * Transmits {@code message} on a connection of the pool, within the rate cap; {@code handOver} as in
   * {@link #send(Delivery, HandOver)}. A kept connection that fails before the hand-over (the server dropped it
   * while it was idle) is replaced by a new one and the message transmitted again, once: before the hand-over no
   * end mark was sent, so the server took nothing. A refused recipient is the server's answer and is not retried.
   *
   * @param outcomeMatters when a failure after the whole message was transmitted and before the server's reply is
   *     reported as {@link DeliveryException#outcomeUnknown()} (not for alerts, which are tried again)
   */
  private void transmit(String what, MimeMessage message, InternetAddress recipient, HandOver handOver,
      String messageId, boolean outcomeMatters) {
    SmtpConnections.Lease lease;
    try {
      lease = connections.lease();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryException(what + ": interrupted while waiting for a free SMTP connection; nothing was sent",
          true, e);
    }
    boolean healthy = false;
    try {
      if (!rate.acquire()) {
        throw new DeliveryException(what + ": the sending rate cap (channels.email.max-per-second, "
            + rate.describe().orElse("") + ") gave no turn within " + SendRate.WAIT.toSeconds()
            + " s; nothing was sent", true, null);
      }
      while (true) {
        TrackedTransport tracked;
        try {
          tracked = (TrackedTransport) lease.transport();
        } catch (MessagingException | RuntimeException e) {
          throw failure(what, e);
        }
        tracked.begin(() -> handOver.begin(Optional.of(messageId)));
        try {
          tracked.sendMessage(message, new Address[] {recipient});
          healthy = true;
          return;
        } catch (MessagingException | RuntimeException e) {
          if (tracked.handOverFailure != null) {
            throw tracked.handOverFailure; // a failure to record the hand-over is not the channel's
          }
          if (tracked.finishing()) {
            if (outcomeMatters && !answered(e)) {
              throw DeliveryException.outcomeUnknown(what + ": SMTP server " + host + ":" + port
                  + " received the whole message and did not say whether it took it: " + redact(describe(e)), e);
            }
            throw failure(what, e);
          }
          if (!lease.reused() || refusedRecipient(e)) {
            throw failure(what, e);
          }
          LOG.debug("{}: a kept SMTP connection failed before the message's end ({}); sending on a new one", what,
              e.getClass().getSimpleName());
          lease.reopen();
        }
      }
    } finally {
      if (healthy) {
        lease.keep();
      } else {
        lease.discard();
      }
    }
  }

  /** Whether the server answered the recipient with a refusal (a reply about the mail, not the connection). */
  private static boolean refusedRecipient(Exception e) {
    return chain(e).stream().anyMatch(SMTPAddressFailedException.class::isInstance);
  }

  /**
   * Sends an alert mail (to a contact's owner) through the same SMTP server, from the same sender, with a
   * {@code Message-ID} made from the alert's key, so that a repeat after a lost reply is recognisable.
   */
  @Override
  public void sendAlert(io.npsconnector.core.alert.AlertMail alert) {
    String what = "alert " + alert.key();
    String messageId = messageId(alert.key(), domain);
    MimeMessage message;
    InternetAddress recipient;
    try {
      String ascii = asciiDomain(alert.to().strip());
      if (ascii == null || !BARE_ADDRESS.matcher(ascii).matches()) {
        throw new io.npsconnector.core.alert.AlertException(what + ": invalid recipient address", false);
      }
      recipient = new InternetAddress(ascii, true);
      message = new FixedIdMessage(session, messageId);
      message.setFrom(from);
      message.setRecipient(Message.RecipientType.TO, recipient);
      message.setSubject(alert.subject(), UTF_8);
      message.setSentDate(Date.from(clock.instant()));
      message.setHeader("Auto-Submitted", "auto-generated");
      message.setContent(alternative(alert.text(), alert.html()));
      message.saveChanges();
    } catch (MessagingException e) {
      throw new io.npsconnector.core.alert.AlertException(what + ": could not build the e-mail: "
          + redact(e.getMessage()), false, Optional.empty(), e);
    }
    try {
      transmit(what, message, recipient, HandOver.NONE, messageId, false);
    } catch (DeliveryException failure) {
      throw new io.npsconnector.core.alert.AlertException(failure.getMessage(), failure.retriable(),
          Optional.empty(), failure.getCause() == null ? failure : failure.getCause());
    }
  }

  private MimeMessage message(String messageId, InternetAddress recipient, EmailContent content, boolean test)
      throws MessagingException {
    MimeMessage message = new FixedIdMessage(session, messageId);
    message.setFrom(from);
    if (replyTo.isPresent()) {
      message.setReplyTo(new Address[] {replyTo.get()});
    }
    message.setRecipient(Message.RecipientType.TO, recipient);
    message.setSubject(content.subject(), UTF_8);
    message.setSentDate(Date.from(clock.instant()));
    message.setHeader("Content-Language", content.languageTag());
    message.setHeader(LIST_UNSUBSCRIBE, "<" + content.unsubscribe() + ">");
    message.setHeader(LIST_UNSUBSCRIBE_POST, ONE_CLICK);
    if (test) {
      message.setHeader(TEST_HEADER, "true");
    }

    message.setContent(alternative(content.text(), content.html()));
    message.saveChanges();
    return message;
  }

  /** A plain-text part and an HTML part of the same content, in UTF-8. */
  private static MimeMultipart alternative(String plain, String markup) throws MessagingException {
    MimeBodyPart text = new MimeBodyPart();
    text.setText(plain, UTF_8, "plain");
    MimeBodyPart html = new MimeBodyPart();
    html.setText(markup, UTF_8, "html");
    MimeMultipart alternative = new MimeMultipart("alternative");
    alternative.addBodyPart(text);
    alternative.addBodyPart(html);
    return alternative;
  }

  /** The contact's address, with the name as display name; a permanent failure when there is none or it is bad. */
  private static InternetAddress recipient(Contact contact, String invitation) {
    String email = contact.email().map(String::strip).orElse("");
    if (email.isEmpty()) {
      throw new DeliveryException(invitation + ": contact " + contact.crmId() + " has no e-mail address", false,
          null);
    }
    String ascii = asciiDomain(email);
    if (ascii == null || !BARE_ADDRESS.matcher(ascii).matches()) {
      throw new DeliveryException(invitation + ": contact " + contact.crmId() + " has an invalid e-mail address",
          false, null);
    }
    try {
      InternetAddress address = new InternetAddress(ascii, true);
      address.validate();
      String name = (contact.firstName().orElse("") + " " + contact.lastName().orElse(""))
          .replaceAll("\\p{Cntrl}+", " ").strip();
      if (!name.isEmpty()) {
        address.setPersonal(name, UTF_8);
      }
      return address;
    } catch (AddressException | UnsupportedEncodingException e) {
      throw new DeliveryException(invitation + ": contact " + contact.crmId() + " has an invalid e-mail address",
          false, e);
    }
  }

  /** {@code email} with an internationalized domain in its ASCII (punycode) form; null when that fails. */
  private static String asciiDomain(String email) {
    int at = email.lastIndexOf('@');
    if (at <= 0 || at == email.length() - 1) {
      return email;
    }
    try {
      return email.substring(0, at + 1) + IDN.toASCII(email.substring(at + 1), IDN.ALLOW_UNASSIGNED);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static InternetAddress address(String key, String value) {
    try {
      InternetAddress address = new InternetAddress(Objects.requireNonNull(value, key), true);
      address.validate();
      return address;
    } catch (AddressException e) {
      throw new IllegalArgumentException("channels.email." + key + " is not an e-mail address: " + value, e);
    }
  }

  private static String domainOf(InternetAddress address) {
    String text = address.getAddress();
    int at = text.lastIndexOf('@');
    String domain = at < 0 ? "" : text.substring(at + 1).toLowerCase(Locale.ROOT);
    return domain.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?") ? domain : FALLBACK_DOMAIN;
  }

  /**
   * {@code <nps-KEY@domain>}: letters, digits, '-' and '_' of the key kept, every other character (also '.' and
   * '=') written as {@code =XX} per UTF-8 byte, so that different keys never give the same id; a key that would
   * be longer than 96 characters is replaced by {@code h} and its SHA-256.
   */
  static String messageId(String idempotencyKey, String domain) {
    StringBuilder key = new StringBuilder(idempotencyKey.length() + 16);
    for (byte b : idempotencyKey.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
        key.append(c);
      } else {
        key.append('=').append(HEX.toHexDigits(b));
      }
    }
    String safe = key.length() <= MAX_KEY_LENGTH ? key.toString() : "h" + sha256(idempotencyKey);
    return "<" + MESSAGE_ID_PREFIX + safe + "@" + domain + ">";
  }

  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** Maps a failed send: a 5xx reply refusing the recipient is permanent, everything else retriable. */
  private DeliveryException failure(String invitation, Exception thrown) {
    if (!(thrown instanceof MessagingException e)) {
      return new DeliveryException(invitation + ": sending through SMTP server " + host + ":" + port + " failed: "
          + thrown.getClass().getSimpleName(), true, thrown);
    }
    String server = "SMTP server " + host + ":" + port;
    List<Exception> chain = chain(e);
    for (Exception link : chain) {
      if (link instanceof SMTPAddressFailedException refused) {
        int code = refused.getReturnCode();
        String reply = reply(refused.getMessage(), code);
        if (code >= 500 && code < 600) {
          return new DeliveryException(invitation + ": " + server + " refused the recipient: " + reply, false, e);
        }
        return new DeliveryException(invitation + ": " + server + " deferred the recipient: " + reply, true, e);
      }
    }
    for (Exception link : chain) {
      if (link instanceof SMTPSenderFailedException refused) {
        return new DeliveryException(invitation + ": " + server + " refused the sender " + from.getAddress() + ": "
            + reply(refused.getMessage(), refused.getReturnCode()), true, e);
      }
      if (link instanceof SMTPSendFailedException refused) {
        return new DeliveryException(invitation + ": " + server + " did not accept the message: "
            + reply(refused.getMessage(), refused.getReturnCode()), true, e);
      }
    }
    for (Exception link : chain) {
      if (link instanceof SocketTimeoutException || link instanceof InterruptedIOException) {
        return new DeliveryException(invitation + ": " + server + " timed out", true, e);
      }
    }
    if (e instanceof AuthenticationFailedException) {
      return new DeliveryException(invitation + ": " + server + " refused the login of user "
          + user.orElse("(none)") + ": " + redact(e.getMessage()), true, e);
    }
    if (e instanceof MailConnectException) {
      return new DeliveryException(invitation + ": could not connect to " + server, true, e);
    }
    return new DeliveryException(invitation + ": sending through " + server + " failed: "
        + redact(describe(e)), true, e);
  }

  /** Whether the server replied to the end of the message (refusing it): then it did not take it. */
  private static boolean answered(Exception e) {
    return chain(e).stream().anyMatch(link -> link instanceof SMTPSendFailedException refused
        && refused.getReturnCode() >= 400);
  }

  /** {@code e}, its next exceptions and causes, each once, nearest first. */
  private static List<Exception> chain(Exception e) {
    List<Exception> chain = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<Throwable> queue = new ArrayDeque<>();
    queue.add(e);
    while (!queue.isEmpty() && chain.size() < 32) {
      Throwable next = queue.poll();
      if (!seen.add(next)) {
        continue;
      }
      if (next instanceof Exception exception) {
        chain.add(exception);
      }
      if (next instanceof MessagingException messaging && messaging.getNextException() != null) {
        queue.add(messaging.getNextException());
      }
      if (next.getCause() != null) {
        queue.add(next.getCause());
      }
    }
    return chain;
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.strip();
  }

  /** The server's reply, one line, with its code in front if the text lacks it. */
  private String reply(String message, int code) {
    String text = message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    if (!text.startsWith(Integer.toString(code))) {
      text = code + " " + text;
    }
    return redact(text.strip());
  }

  /** {@code text} without the SMTP password, should a server ever echo it. */
  private String redact(String text) {
    if (text == null) {
      return "";
    }
    String result = text;
    String secret = password.map(Secret::reveal).orElse("");
    if (!secret.isEmpty()) {
      result = result.replace(secret, "***");
    }
    return result;
  }

  private static void close(Transport transport) {
    if (transport == null || !transport.isConnected()) {
      return;
    }
    try {
      transport.close();
    } catch (MessagingException e) {
      LOG.debug("closing the SMTP connection failed: {}", e.getClass().getSimpleName());
    }
  }

  @Override
  public String toString() {
    return "EmailChannel[" + host + ":" + port + "]";
  }

  /** Angus Mail's SMTP transport, telling whether it got as far as ending the message. */
  private static final Provider TRACKED_SMTP = new Provider(Provider.Type.TRANSPORT, "smtp",
      TrackedTransport.class.getName(), "npsconnector", "1");

  /**
   * The SMTP transport, handing the message over (the engine records it) when the whole message has been
   * transmitted, just before it ends the message's data, and marking that moment: a failure after it (a timeout
   * or a dropped connection before the server's reply) leaves the message possibly accepted. A failure to record
   * the hand-over stops the transmission before the end mark, so the server discards the message.
   */
  public static final class TrackedTransport extends SMTPTransport {
    private volatile boolean finishing;
    private Runnable handOver = () -> { };
    private RuntimeException handOverFailure;

    public TrackedTransport(Session session, URLName urlName) {
      super(session, urlName);
    }

    /** Starts a message on this connection: {@code record} is its hand-over. */
    void begin(Runnable record) {
      handOver = record;
      handOverFailure = null;
      finishing = false;
    }

    @Override
    protected void finishData() throws IOException, MessagingException {
      try {
        handOver.run();
      } catch (RuntimeException e) {
        handOverFailure = e;
        throw e;
      }
      finishing = true;
      super.finishData();
    }

    /**
     * After a failed hand-over the connection is mid-message: any command would only be more of the message's
     * text and wait for a reply that cannot come, so none is sent and closing drops the connection at once.
     */
    @Override
    protected void sendCommand(String command) throws MessagingException {
      if (handOverFailure != null) {
        throw new MessagingException("the message was abandoned before its end mark; not sending " + command);
      }
      super.sendCommand(command);
    }

    boolean finishing() {
      return finishing;
    }
  }

  /** A message whose {@code Message-ID} stays the one given: Jakarta Mail would make up a new one per save. */
  static final class FixedIdMessage extends MimeMessage {
    private final String messageId;

    FixedIdMessage(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }
  }
}
