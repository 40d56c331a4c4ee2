package io.npsconnector.app.cli;

import io.npsconnector.app.service.Composition;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.config.Suggestions;
import io.npsconnector.core.store.AdminAuditRepository;
import io.npsconnector.core.store.DashboardUserRepository;
import io.npsconnector.core.store.DashboardUserRepository.Role;
import io.npsconnector.core.store.DashboardUserRepository.User;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.PasswordHash;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code users}: the people who sign in to the dashboard, each with a role (admin or viewer) and a password kept
 * only as a salted PBKDF2 hash in the store. Every change is recorded in the admin audit log with the
 * operating-system user and the host. No password or hash is ever printed.
 */
@Command(
    name = "users",
    mixinStandardHelpOptions = true,
    customSynopsis = "nps-connector users COMMAND",
    description = "Manages the dashboard's user accounts: admin (everything) or viewer (reads; changes nothing, "
        + "exports no personal data).",
    subcommands = {
      UsersCommand.Add.class,
      UsersCommand.ListUsers.class,
      UsersCommand.Passwd.class,
      UsersCommand.Disable.class,
      UsersCommand.Enable.class,
      UsersCommand.Remove.class
    })
final class UsersCommand implements Runnable {
  /** The shortest password an account may have. */
  static final int MIN_PASSWORD = 12;
  /** The longest (hashing a longer one would only cost time). */
  static final int MAX_PASSWORD = 1024;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
      .withZone(ZoneOffset.UTC);
  private static final String BOOTSTRAP = "admin";

  @Spec CommandSpec spec;
  @ParentCommand NpsConnectorCommand parent;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** How a password reaches a command: typed at the terminal (not echoed), standard input, or a variable. */
  static final class PasswordSource {
    @Option(names = "--password-stdin",
        description = "Read the password from the first line of standard input (for scripts).")
    boolean stdin;

    @Option(names = "--password-env", paramLabel = "VARIABLE",
        description = "Read the password from this environment variable (for scripts).")
    String variable;

    char[] read(CommandSpec spec, java.util.Map<String, String> environment, String name) {
      if (stdin && variable != null) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--password-stdin and --password-env are alternatives: give one");
      }
      char[] password;
      if (stdin) {
        try {
          String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
          if (line == null) {
            throw new CommandFailure("--password-stdin: standard input is empty; write the password as its first line");
          }
          password = line.toCharArray();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else if (variable != null) {
        String value = environment.get(variable);
        if (value == null || value.isEmpty()) {
          throw new CommandFailure("--password-env " + variable + ": the environment variable " + variable
              + " is not set");
        }
        password = value.toCharArray();
      } else {
        password = typed(name);
      }
      if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
        int length = password.length;
        Arrays.fill(password, ' ');
        throw new CommandFailure("the password is " + length + " characters long; a dashboard password needs "
            + (length < MIN_PASSWORD ? "at least " + MIN_PASSWORD : "at most " + MAX_PASSWORD)
            + " (nothing was changed)");
      }
      return password;
    }

    private static char[] typed(String name) {
      Console console = System.console();
      if (console == null) {
        throw new CommandFailure("no terminal to type the password of '" + name + "' at: pass --password-stdin "
            + "(the password as the first line of standard input) or --password-env VARIABLE");
      }
      char[] first = console.readPassword("Password for %s (at least %d characters): ", name, MIN_PASSWORD);
      char[] again = console.readPassword("The same password again: ");
      if (first == null || again == null || !Arrays.equals(first, again)) {
        throw new CommandFailure("the two passwords differ (nothing was changed)");
      }
      Arrays.fill(again, ' ');
      return first;
    }
  }

  /** What every subcommand shares: the configuration, and the store with its accounts and audit log. */
  abstract static class UserCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand UsersCommand users;
    @Mixin ConfigOption config;

    /** Runs {@code work} on the configuration's store: made (migrated) when {@code create}, else it must exist. */
    int onStore(boolean create, Function<Store, Integer> work) {
      NpsConfig loaded = config.loadForReading(users.parent.environment());
      try (Composition app = Composition.of(loaded)) {
        Database database = create ? open(app) : ExistingStore.open(app, loaded.store(), config.file);
        return work.apply(new Store(loaded, new DashboardUserRepository(database.jdbi()),
            new AdminAuditRepository(database.jdbi()), Clock.systemUTC()));
      }
    }

    private Database open(Composition app) {
      try {
        return app.get(Database.class);
      } catch (RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        throw new CommandFailure(message.lines().findFirst().orElse(message) + " (store in " + config.file + ")");
      }
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    int setDisabled(Store store, User user, boolean disabled) {
      String state = disabled ? "disabled" : "enabled";
      if (user.disabled() == disabled) {
        out().println(user.name() + " is " + state + " already; nothing changed");
        return 0;
      }
      store.users().setDisabled(user.name(), disabled, store.clock().instant());
      store.record(disabled ? "user.disable" : "user.enable", user.name(), "");
      out().println(user.name() + " " + state + (disabled ? "; its open sessions have ended" : ""));
      return 0;
    }
  }

  /** The store's accounts and audit log, and who runs the command. */
  record Store(NpsConfig config, DashboardUserRepository users, AdminAuditRepository audit, Clock clock) {
    /** The account of that name; a failure naming it, with the nearest name there is, when there is none. */
    User existing(String name) {
      return users.find(name).orElseThrow(() -> {
        List<String> names = users.all().stream().map(User::name).toList();
        return new CommandFailure("no user named '" + name + "'" + Suggestions.didYouMean(name, names)
            + (names.isEmpty() ? " (there is none yet; add one with users add)" : " (users list shows them)"));
      });
    }

    void record(String action, String target, String detail) {
      audit.record(new AdminAuditRepository.Actor(System.getProperty("user.name", "?"), "command line", host()),
          action, target, detail, clock.instant());
    }

    private static String host() {
      try {
        return java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        return "this machine";
      }
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Adds a user account with a role; the password is asked for (or read with --password-stdin "
          + "or --password-env).")
  static final class Add extends UserCommand {
    @Option(names = "--role", required = true, paramLabel = "ROLE",
        description = "admin (everything) or viewer (reads; changes nothing, exports no personal data).")
    String role;

    @Mixin PasswordSource password;

    @Parameters(paramLabel = "NAME", description = "The user name (letters, digits, . _ - @; unique whatever its case).")
    String name;

    @Override
    public Integer call() {
      Role chosen = Role.of(role).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
          "Invalid value for option '--role': '" + role + "'" + Suggestions.didYouMean(role, Role.ids())
              + " (a role is admin or viewer)"));
      DashboardUserRepository.nameProblem(name).ifPresent(problem -> {
        throw new CommandFailure(problem);
      });
      return onStore(true, store -> {
        if (name.equalsIgnoreCase(BOOTSTRAP) && store.config().server().adminPassword().isPresent()) {
          throw new CommandFailure("'" + name + "' is the account server.admin-password in " + config.file
              + " signs in as; choose another name, or remove server.admin-password first");
        }
        store.users().find(name).ifPresent(existing -> {
          throw new CommandFailure("a user named '" + existing.name() + "' exists already (names are the same "
              + "whatever their case); change its password with users passwd");
        });
        char[] secret = password.read(spec, users.parent.environment(), name);
        PasswordHash hash = PasswordHash.of(secret);
        Arrays.fill(secret, ' ');
        if (!store.users().add(name, chosen, hash, store.clock().instant())) {
          throw new CommandFailure("a user named '" + name + "' was added meanwhile; nothing was changed");
        }
        store.record("user.add", name, "role " + chosen.id());
        out().println("added " + name + " (" + chosen.id() + "); it signs in at /admin/login");
        return 0;
      });
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists the user accounts: name, role, state, when made and last changed (never a password).")
  static final class ListUsers extends UserCommand {
    @Override
    public Integer call() {
      return onStore(false, store -> {
        PrintWriter out = out();
        List<User> all = store.users().all();
        int width = Math.max(4, all.stream().mapToInt(user -> user.name().length()).max().orElse(0));
        out.println(String.format(java.util.Locale.ROOT, "%-" + width + "s  %-6s  %-8s  %-20s  %s", "NAME", "ROLE",
            "STATE", "CREATED", "CHANGED"));
        for (User user : all) {
          out.println(String.format(java.util.Locale.ROOT, "%-" + width + "s  %-6s  %-8s  %-20s  %s", user.name(),
              user.role().id(), user.disabled() ? "disabled" : "enabled", TIME.format(user.createdAt()),
              TIME.format(user.updatedAt())));
        }
        if (all.isEmpty()) {
          out.println("(no user yet: add one with users add)");
        }
        if (store.config().server().adminPassword().isPresent()) {
          out.println("and admin (admin), the account server.admin-password in " + config.file + " signs in as");
        }
        return 0;
      });
    }
  }

  @Command(name = "passwd", mixinStandardHelpOptions = true,
      description = "Sets a new password for a user account; its open sessions end.")
  static final class Passwd extends UserCommand {
    @Mixin PasswordSource password;

    @Parameters(paramLabel = "NAME", description = "The user name.")
    String name;

    @Override
    public Integer call() {
      return onStore(false, store -> {
        User user = store.existing(name);
        char[] secret = password.read(spec, users.parent.environment(), user.name());
        PasswordHash hash = PasswordHash.of(secret);
        Arrays.fill(secret, ' ');
        store.users().setPassword(user.name(), hash, store.clock().instant());
        store.record("user.passwd", user.name(), "");
        out().println("new password set for " + user.name() + "; its open sessions have ended");
        return 0;
      });
    }
  }

  /** {@code disable} and {@code enable}: the same change, one way or the other. */
  abstract static class DisabledChange extends UserCommand {
    @Parameters(paramLabel = "NAME", description = "The user name.")
    String name;

    abstract boolean disabled();

    @Override
    public Integer call() {
      return onStore(false, store -> setDisabled(store, store.existing(name), disabled()));
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true,
      description = "Disables a user account: it cannot sign in and its open sessions end; enable undoes it.")
  static final class Disable extends DisabledChange {
    @Override
    boolean disabled() {
      return true;
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true,
      description = "Enables a disabled user account again.")
  static final class Enable extends DisabledChange {
    @Override
    boolean disabled() {
      return false;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Removes a user account; its open sessions end. What the audit log says it did stays.")
  static final class Remove extends UserCommand {
    @Parameters(paramLabel = "NAME", description = "The user name.")
    String name;

    @Override
    public Integer call() {
      return onStore(false, store -> {
        User user = store.existing(name);
        store.users().remove(user.name());
        store.record("user.remove", user.name(), "role " + user.role().id());
        out().println("removed " + user.name() + " (" + user.role().id() + ")");
        return 0;
      });
    }
  }
}
