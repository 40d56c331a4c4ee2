package io.npsconnector.core.model;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A CRM contact as the connector keeps it: the fields survey rules and write-back need, and the
 * segment attributes the configuration names.
 *
 * @param crmId the CRM's id, unique within one connection
 * @param emailOptOut the CRM's own opt-out flag (our unsubscribe list is kept apart)
 * @param segments segment name to value, as named in the connection's {@code segments}
 * @param modifiedAt the CRM's last-modified time of the record
 * @param deleted true when the CRM reports the record deleted
 */
public record Contact(
    String crmId,
    Optional<String> email,
    Optional<String> firstName,
    Optional<String> lastName,
    Optional<String> phone,
    Optional<Locale> locale,
    Optional<ZoneId> timeZone,
    boolean emailOptOut,
    Optional<String> ownerId,
    Optional<String> accountId,
    Optional<String> accountName,
    Map<String, String> segments,
    Instant modifiedAt,
    boolean deleted) {

  public Contact {
    Objects.requireNonNull(crmId, "crmId");
    if (crmId.isBlank()) {
      throw new IllegalArgumentException("crmId is blank");
    }
    Objects.requireNonNull(modifiedAt, "modifiedAt");
    email = email.map(String::strip).filter(value -> !value.isEmpty());
    segments = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(segments));
  }

  /** First and last name joined, or the e-mail address, or the CRM id. */
  public String displayName() {
    String name = (firstName.orElse("") + " " + lastName.orElse("")).strip();
    return !name.isEmpty() ? name : email.orElse(crmId);
  }

  /** A builder for tests and adapters; only {@code crmId} and {@code modifiedAt} are required. */
  public static Builder builder(String crmId, Instant modifiedAt) {
    return new Builder(crmId, modifiedAt);
  }

  /** Builds a {@link Contact} field by field. */
  public static final class Builder {
    private final String crmId;
    private final Instant modifiedAt;
    private String email;
    private String firstName;
    private String lastName;
    private String phone;
    private Locale locale;
    private ZoneId timeZone;
    private boolean emailOptOut;
    private String ownerId;
    private String accountId;
    private String accountName;
    private final Map<String, String> segments = new LinkedHashMap<>();
    private boolean deleted;

    private Builder(String crmId, Instant modifiedAt) {
      this.crmId = crmId;
      this.modifiedAt = modifiedAt;
    }

    public Builder email(String value) { email = value; return this; }
    public Builder firstName(String value) { firstName = value; return this; }
    public Builder lastName(String value) { lastName = value; return this; }
    public Builder phone(String value) { phone = value; return this; }
    public Builder locale(Locale value) { locale = value; return this; }
    public Builder timeZone(ZoneId value) { timeZone = value; return this; }
    public Builder emailOptOut(boolean value) { emailOptOut = value; return this; }
    public Builder ownerId(String value) { ownerId = value; return this; }
    public Builder account(String id, String name) { accountId = id; accountName = name; return this; }
    public Builder segment(String name, String value) { segments.put(name, value); return this; }
    public Builder deleted(boolean value) { deleted = value; return this; }

    public Contact build() {
      return new Contact(crmId, Optional.ofNullable(email), Optional.ofNullable(firstName),
          Optional.ofNullable(lastName), Optional.ofNullable(phone), Optional.ofNullable(locale),
          Optional.ofNullable(timeZone), emailOptOut, Optional.ofNullable(ownerId), Optional.ofNullable(accountId),
          Optional.ofNullable(accountName), segments, modifiedAt, deleted);
    }
  }
}
