package io.npsconnector.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.npsconnector.core.store.AdminAuditRepository;
import io.npsconnector.core.store.DashboardUserRepository;
import io.npsconnector.core.store.DashboardUserRepository.Role;
import io.npsconnector.core.store.DashboardUserRepository.User;
import io.npsconnector.core.store.Database;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code users add|list|passwd|disable|enable|remove}: accounts in the store with a hash of their password only,
 * every change in the audit log, and each mistake (a bad role, a name taken, a short password, an unknown user) a
 * clear error naming what is at fault, with nothing changed.
 */
class UsersCommandTest {
  private static final String PASSWORD = "a long enough password";
  @TempDir Path dir;
  private Path config;
  private final Map<String, String> env = new HashMap<>(Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef",
      "ADMIN_PASSWORD", "bootstrap-password", "NEW_PASSWORD", PASSWORD));

  @BeforeEach
  void writeConfig() throws Exception {
    config = dir.resolve("nps.yaml");
    Files.writeString(config, """
        company: Acme
        store:
          type: h2
          path: %s
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: hs
            type: hubspot
            enabled: false
            credentials:
              token: ${HUBSPOT_TOKEN}
        """.formatted(dir.resolve("store").toString().replace('\\', '/')));
  }

  @Test
  void addListPasswdDisableEnableAndRemoveEachRecordedAndNoPasswordEverPrinted() {
    CommandRun add = users("add", "--role", "viewer", "--password-env", "NEW_PASSWORD", "Alice");
    CommandRun addAdmin = usersWithStdin("ops lead secret pass\n", "add", "--role", "ADMIN", "--password-stdin",
        "ops.lead");

    assertThat(add.exitCode()).as(add.err()).isZero();
    assertThat(add.out()).isEqualTo("added Alice (viewer); it signs in at /admin/login\n");
    assertThat(addAdmin.exitCode()).as(addAdmin.err()).isZero();
    User alice = stored("alice");
    assertThat(alice.role()).isEqualTo(Role.VIEWER);
    assertThat(alice.password().matches(PASSWORD.toCharArray())).isTrue();
    assertThat(stored("ops.lead").password().matches("ops lead secret pass".toCharArray())).isTrue();

    CommandRun list = users("list");
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out().lines().toList()).hasSize(4).satisfies(lines -> {
      assertThat(lines.get(0)).startsWith("NAME      ROLE    STATE     CREATED");
      assertThat(lines.get(1)).startsWith("Alice     viewer  enabled   20");
      assertThat(lines.get(2)).startsWith("ops.lead  admin   enabled   20");
      assertThat(lines.get(3)).isEqualTo("and admin (admin), the account server.admin-password in " + config
          + " signs in as");
    });

    env.put("NEW_PASSWORD", "another long password");
    CommandRun passwd = users("passwd", "--password-env", "NEW_PASSWORD", "ALICE");
    assertThat(passwd.exitCode()).as(passwd.err()).isZero();
    assertThat(passwd.out()).isEqualTo("new password set for Alice; its open sessions have ended\n");
    assertThat(stored("alice").password().matches("another long password".toCharArray())).isTrue();
    assertThat(stored("alice").password().matches(PASSWORD.toCharArray())).isFalse();

    assertThat(users("disable", "alice").out()).isEqualTo("Alice disabled; its open sessions have ended\n");
    assertThat(stored("alice").disabled()).isTrue();
    assertThat(users("list").out()).contains("Alice     viewer  disabled");
    assertThat(users("enable", "alice").out()).isEqualTo("Alice enabled\n");
    assertThat(stored("alice").disabled()).isFalse();

    CommandRun remove = users("remove", "alice");
    assertThat(remove.exitCode()).as(remove.err()).isZero();
    assertThat(remove.out()).isEqualTo("removed Alice (viewer)\n");
    assertThat(users().find("alice")).isEmpty();

    List<AdminAuditRepository.Entry> log = audit();
    assertThat(log).extracting(AdminAuditRepository.Entry::action, AdminAuditRepository.Entry::target)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("user.remove", "Alice"),
            org.assertj.core.groups.Tuple.tuple("user.enable", "Alice"),
            org.assertj.core.groups.Tuple.tuple("user.disable", "Alice"),
            org.assertj.core.groups.Tuple.tuple("user.passwd", "Alice"),
            org.assertj.core.groups.Tuple.tuple("user.add", "ops.lead"),
            org.assertj.core.groups.Tuple.tuple("user.add", "Alice"));
    assertThat(log).allSatisfy(entry -> {
      assertThat(entry.actor().name()).isEqualTo(System.getProperty("user.name"));
      assertThat(entry.actor().role()).isEqualTo("command line");
    });
    for (CommandRun run : List.of(add, addAdmin, list, passwd, remove)) {
      assertThat(run.out() + run.err()).doesNotContain(PASSWORD).doesNotContain("another long password")
          .doesNotContain(alice.password().hash()).doesNotContain(alice.password().salt());
    }
  }

  @Test
  void aBadRoleIsAUsageErrorThatSuggestsTheRoleMeant() {
    CommandRun add = users("add", "--role", "admn", "--password-env", "NEW_PASSWORD", "bob");

    assertThat(add.exitCode()).isEqualTo(2);
    assertThat(add.err()).startsWith("Invalid value for option '--role': 'admn' — did you mean 'admin'? (a role is "
        + "admin or viewer)").contains("Usage: nps-connector users add --config FILE --role ROLE");
    assertThat(Files.exists(dir.resolve("store.mv.db"))).as("no store made for a usage error").isFalse();
  }

  @Test
  void aNameTakenWhateverItsCaseIsRefusedAndTheAccountKept() {
    users("add", "--role", "viewer", "--password-env", "NEW_PASSWORD", "carol");
    env.put("NEW_PASSWORD", "a different password");

    CommandRun again = users("add", "--role", "admin", "--password-env", "NEW_PASSWORD", "Carol");

    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).isEqualTo("a user named 'carol' exists already (names are the same whatever their "
        + "case); change its password with users passwd\n");
    assertThat(stored("carol").role()).isEqualTo(Role.VIEWER);
    assertThat(stored("carol").password().matches(PASSWORD.toCharArray())).isTrue();
  }

  @Test
  void theBootstrapAccountsNameIsRefusedWhileTheConfigurationHasItsPassword() {
    CommandRun add = users("add", "--role", "admin", "--password-env", "NEW_PASSWORD", "Admin");

    assertThat(add.exitCode()).isEqualTo(1);
    assertThat(add.err()).isEqualTo("'Admin' is the account server.admin-password in " + config + " signs in as; "
        + "choose another name, or remove server.admin-password first\n");
  }

  @Test
  void aShortPasswordOrAMissingOneIsAClearErrorAndNothingIsChanged() {
    env.put("NEW_PASSWORD", "too short");
    CommandRun shortOne = users("add", "--role", "viewer", "--password-env", "NEW_PASSWORD", "dave");
    CommandRun unset = users("add", "--role", "viewer", "--password-env", "NOT_SET", "dave");
    CommandRun emptyStdin = usersWithStdin("", "add", "--role", "viewer", "--password-stdin", "dave");
    CommandRun noTerminal = users("add", "--role", "viewer", "dave");
    CommandRun both = users("add", "--role", "viewer", "--password-stdin", "--password-env", "NEW_PASSWORD", "dave");

    assertThat(shortOne.exitCode()).isEqualTo(1);
    assertThat(shortOne.err()).isEqualTo("the password is 9 characters long; a dashboard password needs at least "
        + UsersCommand.MIN_PASSWORD + " (nothing was changed)\n");
    assertThat(unset.err()).isEqualTo("--password-env NOT_SET: the environment variable NOT_SET is not set\n");
    assertThat(emptyStdin.err()).startsWith("--password-stdin: standard input is empty");
    assertThat(noTerminal.exitCode()).isEqualTo(1);
    assertThat(noTerminal.err()).isEqualTo("no terminal to type the password of 'dave' at: pass --password-stdin "
        + "(the password as the first line of standard input) or --password-env VARIABLE\n");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).startsWith("--password-stdin and --password-env are alternatives: give one");
    assertThat(users().all()).isEmpty();
    assertThat(audit()).isEmpty();
  }

  @Test
  void anUnknownUserIsNamedWithTheNearestThereIs() {
    users("add", "--role", "viewer", "--password-env", "NEW_PASSWORD", "frances");

    CommandRun passwd = users("passwd", "--password-env", "NEW_PASSWORD", "francis");
    CommandRun remove = users("remove", "zed");

    assertThat(passwd.exitCode()).isEqualTo(1);
    assertThat(passwd.err()).isEqualTo("no user named 'francis' — did you mean 'frances'? (users list shows them)\n");
    assertThat(remove.err()).isEqualTo("no user named 'zed' (users list shows them)\n");
    assertThat(stored("frances").password().matches(PASSWORD.toCharArray())).isTrue();
  }

  @Test
  void aNameThatIsNoUserNameIsRefusedAndCommandsThatOnlyChangeNeverMakeAStore() {
    CommandRun add = users("add", "--role", "viewer", "--password-env", "NEW_PASSWORD", "two words");
    CommandRun list = users("list");

    assertThat(add.exitCode()).isEqualTo(1);
    assertThat(add.err()).startsWith("'two words' is not a user name");
    assertThat(list.exitCode()).isEqualTo(1);
    assertThat(list.err()).startsWith("no store at ");
    assertThat(Files.exists(dir.resolve("store.mv.db"))).isFalse();
  }

  private CommandRun users(String... args) {
    List<String> words = new java.util.ArrayList<>(List.of("users", args[0], "--config", config.toString()));
    words.addAll(List.of(args).subList(1, args.length));
    return CommandRun.of(env, words.toArray(String[]::new));
  }

  private CommandRun usersWithStdin(String stdin, String... args) {
    InputStream before = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      return users(args);
    } finally {
      System.setIn(before);
    }
  }

  private DashboardUserRepository users() {
    return new DashboardUserRepository(open().jdbi());
  }

  private User stored(String name) {
    return users().find(name).orElseThrow();
  }

  private List<AdminAuditRepository.Entry> audit() {
    return new AdminAuditRepository(open().jdbi()).newestFirst(0, 100);
  }

  private Database database;

  private Database open() {
    if (database == null) {
      database = Database.open(new io.npsconnector.config.StoreConfig.H2(dir.resolve("store")));
    }
    return database;
  }

  @org.junit.jupiter.api.AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }
}
