package io.npsconnector.core.store;

import java.time.Instant;
import java.util.Optional;
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

  /** True when the contact, or any contact with the same e-mail address, unsubscribed. */
  public boolean contains(Handle handle, String connection, String contactId, Optional<String> email) {
    return handle.createQuery("SELECT COUNT(*) FROM unsubscribes WHERE "
            + "(connection = :connection AND contact_crm_id = :contactId) OR (email IS NOT NULL AND email = :email)")
        .bind("connection", connection).bind("contactId", contactId)
        .bindByType("email", email.map(String::toLowerCase).orElse(null), String.class)
        .mapTo(Integer.class).one() > 0;
  }
}
