package io.npsconnector.core.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jdbi.v3.core.Jdbi;

/**
 * The people who sign in to the dashboard: a name unique whatever its case, a role, a password hash, and whether
 * the account is disabled. Made and changed by the {@code users} command; the dashboard reads them.
 */
public final class DashboardUserRepository {
  /** Letters, digits and {@code . _ - @}, 1 to 64 of them, starting with a letter or digit. */
  private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}._@-]{0,63}");

  private final Jdbi jdbi;

  public DashboardUserRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** What an account may do on the dashboard. */
  public enum Role {
    /** Everything: reads, every action, every export. */
    ADMIN,
    /** Reads the pages and aggregated figures; no action, no export of personal data. */
    VIEWER;

    /** {@code admin} or {@code viewer}, as stored and as written on the command line. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> of(String id) {
      return Arrays.stream(values()).filter(role -> role.id().equalsIgnoreCase(id.strip())).findFirst();
    }

    public static List<String> ids() {
      return Arrays.stream(values()).map(Role::id).toList();
    }
  }

  /** An account as stored (its password only as the hash). */
  public record User(String name, Role role, PasswordHash password, Instant createdAt, Instant updatedAt,
      boolean disabled) {}

  /** Why {@code name} cannot name an account, or empty when it can. */
  public static Optional<String> nameProblem(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      return Optional.of("'" + name + "' is not a user name: use 1 to 64 letters, digits and . _ - @, starting "
          + "with a letter or digit");
    }
    return Optional.empty();
  }

  /** The key names are unique by: the name in lower case. */
  public static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /**
   * Adds an account; false (and nothing written) when one of that name exists, whatever its case.
   *
   * @throws IllegalArgumentException when the name is not a user name
   */
  public boolean add(String name, Role role, PasswordHash password, Instant at) {
    nameProblem(name).ifPresent(problem -> {
      throw new IllegalArgumentException(problem);
    });
    return jdbi.withHandle(handle -> Sql.insertIfAbsent(handle, h -> h.createUpdate("INSERT INTO dashboard_users "
            + "(name_key, name, role, password_salt, password_iterations, password_hash, created_at, updated_at, "
            + "disabled) VALUES (:key, :name, :role, :salt, :iterations, :hash, :at, :at, FALSE)")
        .bind("key", key(name)).bind("name", name).bind("role", role.id()).bind("salt", password.salt())
        .bind("iterations", password.iterations()).bind("hash", password.hash()).bind("at", Sql.timestamp(at))
        .execute()));
  }

  /** The account of that name, whatever its case. */
  public Optional<User> find(String name) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM dashboard_users WHERE name_key = :key")
        .bind("key", key(name)).map((rs, ctx) -> user(rs)).findOne());
  }

  /** Every account, by name. */
  public List<User> all() {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM dashboard_users ORDER BY name_key")
        .map((rs, ctx) -> user(rs)).list());
  }

  /** Sets a new password; false when there is no account of that name. */
  public boolean setPassword(String name, PasswordHash password, Instant at) {
    return jdbi.withHandle(handle -> handle.createUpdate("UPDATE dashboard_users SET password_salt = :salt, "
            + "password_iterations = :iterations, password_hash = :hash, updated_at = :at WHERE name_key = :key")
        .bind("key", key(name)).bind("salt", password.salt()).bind("iterations", password.iterations())
        .bind("hash", password.hash()).bind("at", Sql.timestamp(at)).execute() > 0);
  }

  /** Disables or enables the account; false when there is none of that name. */
  public boolean setDisabled(String name, boolean disabled, Instant at) {
    return jdbi.withHandle(handle -> handle.createUpdate("UPDATE dashboard_users SET disabled = :disabled, "
            + "updated_at = :at WHERE name_key = :key")
        .bind("key", key(name)).bind("disabled", disabled).bind("at", Sql.timestamp(at)).execute() > 0);
  }

  /** Removes the account (what the audit log says it did stays); false when there is none of that name. */
  public boolean remove(String name) {
    return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM dashboard_users WHERE name_key = :key")
        .bind("key", key(name)).execute() > 0);
  }

  private static User user(ResultSet rs) throws SQLException {
    return new User(rs.getString("name"), Role.of(rs.getString("role")).orElseThrow(),
        new PasswordHash(rs.getString("password_salt"), rs.getInt("password_iterations"),
            rs.getString("password_hash")),
        rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
        rs.getBoolean("disabled"));
  }
}
