package io.npsconnector.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.npsconnector.core.store.AdminAuditRepository.Actor;
import io.npsconnector.core.store.AdminAuditRepository.Entry;
import io.npsconnector.core.store.DashboardUserRepository.Role;
import io.npsconnector.core.store.DashboardUserRepository.User;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Dashboard accounts and the admin audit log (V22), run on H2 and on PostgreSQL by the subclasses. */
abstract class DashboardUsersContract {
  static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  private Database database;

  /** The JDBC URL, user and password of a fresh, empty database (no table yet). */
  abstract String[] emptyDatabase();

  private Database open() {
    String[] at = emptyDatabase();
    database = Database.open(at[0], at[1], at[2]);
    return database;
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  @Test
  void anAccountIsAddedOnceWhateverTheCaseOfItsNameAndKeepsOnlyAHashThatMatchesItsPassword() {
    DashboardUserRepository users = new DashboardUserRepository(open().jdbi());

    assertThat(users.add("Alice", Role.VIEWER, PasswordHash.of("correct horse".toCharArray()), T0)).isTrue();
    assertThat(users.add("alice", Role.ADMIN, PasswordHash.of("another one!".toCharArray()), T0)).isFalse();

    User alice = users.find("ALICE").orElseThrow();
    assertThat(alice.name()).isEqualTo("Alice");
    assertThat(alice.role()).isEqualTo(Role.VIEWER);
    assertThat(alice.disabled()).isFalse();
    assertThat(alice.createdAt()).isEqualTo(T0);
    assertThat(alice.password().iterations()).isEqualTo(PasswordHash.ITERATIONS);
    assertThat(alice.password().matches("correct horse".toCharArray())).isTrue();
    assertThat(alice.password().matches("Correct horse".toCharArray())).isFalse();
    assertThat(alice.toString()).doesNotContain(alice.password().hash()).doesNotContain(alice.password().salt());
    assertThat(users.all()).extracting(User::name).containsExactly("Alice");
  }

  @Test
  void eachAccountHasItsOwnSaltAndAStoredIterationCountIsHonoured() {
    DashboardUserRepository users = new DashboardUserRepository(open().jdbi());
    users.add("bob", Role.ADMIN, PasswordHash.of("same password".toCharArray()), T0);
    users.add("carol", Role.ADMIN, PasswordHash.of("same password".toCharArray()), T0);
    // a hash made with another count (an older release) is read back with it
    PasswordHash fewer = new PasswordHash(users.find("bob").orElseThrow().password().salt(), 1000,
        "ignored-until-set");
    assertThat(fewer.iterations()).isEqualTo(1000);

    assertThat(users.find("bob").orElseThrow().password().salt())
        .isNotEqualTo(users.find("carol").orElseThrow().password().salt());
    assertThat(users.find("bob").orElseThrow().password().hash())
        .isNotEqualTo(users.find("carol").orElseThrow().password().hash());
  }

  @Test
  void aPasswordChangesADisabledAccountStaysAndARemovedOneIsGone() {
    DashboardUserRepository users = new DashboardUserRepository(open().jdbi());
    users.add("dave", Role.ADMIN, PasswordHash.of("first password".toCharArray()), T0);

    assertThat(users.setPassword("DAVE", PasswordHash.of("second password".toCharArray()), T0.plusSeconds(60)))
        .isTrue();
    assertThat(users.setDisabled("dave", true, T0.plusSeconds(120))).isTrue();

    User dave = users.find("dave").orElseThrow();
    assertThat(dave.password().matches("second password".toCharArray())).isTrue();
    assertThat(dave.password().matches("first password".toCharArray())).isFalse();
    assertThat(dave.disabled()).isTrue();
    assertThat(dave.updatedAt()).isEqualTo(T0.plusSeconds(120));
    assertThat(users.setPassword("nobody", PasswordHash.of("whatever pass".toCharArray()), T0)).isFalse();
    assertThat(users.setDisabled("nobody", true, T0)).isFalse();
    assertThat(users.remove("Dave")).isTrue();
    assertThat(users.remove("dave")).isFalse();
    assertThat(users.find("dave")).isEmpty();
  }

  @Test
  void aNameThatIsNoUserNameIsRefusedNamingIt() {
    DashboardUserRepository users = new DashboardUserRepository(open().jdbi());

    assertThatThrownBy(() -> users.add("two words", Role.ADMIN, PasswordHash.of("long enough!".toCharArray()), T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'two words' is not a user name");
    assertThat(DashboardUserRepository.nameProblem("a".repeat(65))).isPresent();
    assertThat(DashboardUserRepository.nameProblem("ops.lead@example.com")).isEmpty();
    assertThat(users.all()).isEmpty();
  }

  @Test
  void theAuditLogListsActionsNewestFirstInPages() {
    AdminAuditRepository audit = new AdminAuditRepository(open().jdbi());
    Actor alice = new Actor("alice", "admin", "10.0.0.7");
    for (int i = 0; i < 5; i++) {
      audit.record(alice, "trigger.pause", "trigger-" + i, "", T0.plusSeconds(i));
    }
    audit.record(new Actor("ops", "command line", "host-1"), "user.add", "bob", "role viewer " + "x".repeat(2000),
        T0.plusSeconds(10));

    assertThat(audit.count()).isEqualTo(6);
    assertThat(audit.newestFirst(0, 2)).extracting(Entry::action, Entry::target)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("user.add", "bob"),
            org.assertj.core.groups.Tuple.tuple("trigger.pause", "trigger-4"));
    assertThat(audit.newestFirst(2, 10)).extracting(Entry::target)
        .containsExactly("trigger-3", "trigger-2", "trigger-1", "trigger-0");
    Entry first = audit.newestFirst(0, 1).get(0);
    assertThat(first.actor()).isEqualTo(new Actor("ops", "command line", "host-1"));
    assertThat(first.at()).isEqualTo(T0.plusSeconds(10));
    assertThat(first.detail()).hasSize(1000).startsWith("role viewer x");
  }

  @Test
  void thePauseAuditStoredBeforeTheGeneralLogExistedJoinsItAndIsKept() throws Exception {
    String[] at = emptyDatabase();
    var configuration = Flyway.configure().dataSource(at[0], at[1], at[2]).locations("classpath:db/migration")
        .placeholders(Map.of("binary_type", at[0].startsWith("jdbc:postgresql:") ? "BYTEA" : "VARBINARY(1000000)"));
    // the store as the release before V22 left it: every migration up to the last one below 22
    org.flywaydb.core.api.MigrationVersion v22 = org.flywaydb.core.api.MigrationVersion.fromVersion("22");
    String last = java.util.Arrays.stream(configuration.load().info().all()).map(info -> info.getVersion())
        .filter(version -> version.isNewerThan("0") && v22.isNewerThan(version.getVersion()))
        .max(java.util.Comparator.naturalOrder()).orElseThrow().getVersion();
    Flyway before = configuration.target(last).load();
    before.migrate();
    try (Connection connection = before.getConfiguration().getDataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO trigger_pause_audit (trigger_name, action, admin, changed_at) VALUES "
          + "('post-purchase', 'pause', 'admin from 10.0.0.1', TIMESTAMP WITH TIME ZONE '2026-10-01 09:00:00+00'), "
          + "('post-purchase', 'resume', 'admin from 10.0.0.2', TIMESTAMP WITH TIME ZONE '2026-10-02 09:00:00+00')");
    }

    database = Database.open(at[0], at[1], at[2]);

    assertThat(new AdminAuditRepository(database.jdbi()).newestFirst(0, 10))
        .extracting(entry -> entry.actor().name(), Entry::action, Entry::target, Entry::at)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("admin from 10.0.0.2", "trigger.resume", "post-purchase",
                Instant.parse("2026-10-02T09:00:00Z")),
            org.assertj.core.groups.Tuple.tuple("admin from 10.0.0.1", "trigger.pause", "post-purchase",
                Instant.parse("2026-10-01T09:00:00Z")));
    assertThat(new TriggerPauseRepository(database.jdbi()).audit("post-purchase"))
        .extracting(TriggerPauseRepository.Change::admin)
        .containsExactly("admin from 10.0.0.1", "admin from 10.0.0.2");
  }
}
