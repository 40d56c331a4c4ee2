package io.npsconnector.core.store;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Our own unsubscribe list: by contact, and by e-mail address across contacts. Internal to the engine. */
public final class UnsubscribeRepository {
  private final Jdbi jdbi;

  public UnsubscribeRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public void add(Handle handle, String connection, String contactId, Optional<String> email, Instant now) {
    Sql.insertIfAbsent(handle, h -> h.createUpdate("INSERT INTO unsubscribes (connection, contact_crm_id, email, at) "
            + "VALUES (:connection, :contactId, :email, :now)")
        .bind("connection", connection).bind("contactId", contactId)
        .bindByType("email", email.map(String::toLowerCase).orElse(null), String.class)
        .bind("now", Sql.timestamp(now)).execute());
  }

  public boolean contains(String connection, String contactId, Optional<String> email) {
    return jdbi.withHandle(handle -> contains(handle, connection, contactId, email));
  }

  /** Which of a set of contacts of one connection, and which of a set of addresses, are on the list. */
  public record Listed(Set<String> contactIds, Set<String> emails) {
    /** As {@link #contains}, for a contact and address among those asked about. */
    public boolean contains(String contactId, Optional<String> email) {
      return contactIds.contains(contactId) || email.map(String::toLowerCase).filter(emails::contains).isPresent();
    }
  }

  /**
   * {@link #contains} for many contacts of one connection and their addresses at once: one query per
   * {@value ContactRepository#IN_LIST} contacts (each sought on the key) and one per as many addresses.
   */
  public Listed listed(Handle handle, String connection, Collection<String> contactIds, Collection<String> emails) {
    Set<String> listedIds = new HashSet<>();
    Set<String> listedEmails = new HashSet<>();
    List<String> addresses = emails.stream().map(String::toLowerCase).toList();
    for (List<String> some : Sql.chunks(contactIds)) {
      listedIds.addAll(Sql.bindKeys(handle.createQuery("SELECT u.contact_crm_id FROM " + Sql.keys(some.size())
              + " JOIN unsubscribes u ON u.connection = :connection AND u.contact_crm_id = wanted.id"), some)
          .bind("connection", connection).mapTo(String.class).list());
    }
    for (List<String> some : Sql.chunks(addresses)) {
      listedEmails.addAll(handle.createQuery("SELECT email FROM unsubscribes WHERE email IN (<emails>)")
          .bindList("emails", Sql.padded(some))
          .mapTo(String.class).list());
    }
    return new Listed(Set.copyOf(listedIds), Set.copyOf(listedEmails));
  }

  /** True when the contact, or any contact with the same e-mail address, unsubscribed. */
  public boolean contains(Handle handle, String connection, String contactId, Optional<String> email) {
    return handle.createQuery("SELECT COUNT(*) FROM unsubscribes WHERE "
            + "(connection = :connection AND contact_crm_id = :contactId) OR (email IS NOT NULL AND email = :email)")
        .bind("connection", connection).bind("contactId", contactId)
        .bindByType("email", email.map(String::toLowerCase).orElse(null), String.class)
        .mapTo(Integer.class).one() > 0;
  }
}
