package io.npsconnector.core.alert;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What an alert says about one answer. Every text is as the respondent or the CRM wrote it: each destination escapes
 * it for its own format.
 *
 * @param key the alert's idempotency key, {@code alert-ANSWER-DESTINATION}, the same on every attempt
 * @param category {@code detractor}, {@code passive} or {@code promoter}
 * @param ownerEmail the e-mail address of the contact's owner, where the CRM names one
 * @param crmUrl the contact's record in the CRM, where the adapter can link it
 * @param dashboardUrl the connector's dashboard
 */
public record AlertMessage(String key, String company, String connection, String trigger, int score, String category,
    Optional<String> comment, String contactName, Optional<String> contactEmail, Optional<String> accountName,
    Optional<String> ownerEmail, Optional<URI> crmUrl, URI dashboardUrl, Instant answeredAt) {

  public AlertMessage {
    Objects.requireNonNull(key, "key");
    comment = comment.map(String::strip).filter(text -> !text.isEmpty());
  }

  /** A labelled value of the alert. */
  public record Fact(String label, String value) {}

  /** Contact (name and e-mail), account, trigger and connection, in that order; absent ones left out. */
  public java.util.List<Fact> facts() {
    java.util.List<Fact> facts = new java.util.ArrayList<>();
    facts.add(new Fact("Contact", contactName + contactEmail.filter(email -> !email.equals(contactName))
        .map(email -> " (" + email + ")").orElse("")));
    accountName.ifPresent(account -> facts.add(new Fact("Account", account)));
    facts.add(new Fact("Trigger", trigger));
    facts.add(new Fact("Connection", connection));
    return java.util.List.copyOf(facts);
  }

  /** The one-line summary every destination leads with: {@code NPS 3 (detractor) from Jane Doe}. */
  public String headline() {
    return "NPS " + score + " (" + category + ") from " + contactName;
  }
}
