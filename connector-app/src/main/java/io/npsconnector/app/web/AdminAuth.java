package io.npsconnector.app.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.npsconnector.core.store.DashboardUserRepository;
import io.npsconnector.core.store.DashboardUserRepository.Role;
import io.npsconnector.core.store.DashboardUserRepository.User;
import io.npsconnector.core.store.PasswordHash;

/**
 * Sign-in to the dashboard: the accounts the {@code users} command made (in the store, each with its role and a
 * salted PBKDF2 hash), and the bootstrap account {@code admin} whose password is {@code server.admin-password}
 * (kept in memory only as such a hash). Passwords are compared in constant time, and an unknown or disabled
 * account costs the same hashing as a known one. A sign-in opens a session (a random id in an HttpOnly cookie)
 * carrying the account and its role, which ends after {@link #SESSION_LENGTH}, at sign-out, or as soon as the
 * account is removed, disabled or given a new password. Guesses are throttled ({@link SignInThrottle}) per client
 * address, per account name and over all, with growing delays; a throttled attempt is not checked at all.
 */
final class AdminAuth {
  static final Duration SESSION_LENGTH = Duration.ofHours(8);
  static final String SESSION_COOKIE = "nps_session";
  /** The bootstrap account {@code server.admin-password} signs in as (also when the user name is left empty). */
  static final String BOOTSTRAP = "admin";
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Hashed against when there is no such account, so that the answer takes as long as for one there is. */
  private static final PasswordHash NOBODY = PasswordHash.of("nobody's password".toCharArray());

  /** Who is signed in, with the role that decides what they may do. */
  record Account(String name, Role role) {}

  /** A session: whose, until when, and the account's last change when it signed in (empty: the bootstrap). */
  private record Session(Account account, Instant until, Optional<Instant> accountChanged) {}

  private final Optional<PasswordHash> bootstrap;
  private final DashboardUserRepository users;
  private final Clock clock;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final SignInThrottle throttle;

  AdminAuth(Optional<String> bootstrapPassword, DashboardUserRepository users, Clock clock) {
    this(bootstrapPassword, users, clock, SignInThrottle.standard(clock));
  }

  AdminAuth(Optional<String> bootstrapPassword, DashboardUserRepository users, Clock clock,
      SignInThrottle throttle) {
    this.bootstrap = bootstrapPassword.map(password -> PasswordHash.of(password.toCharArray()));
    this.users = users;
    this.clock = clock;
    this.throttle = throttle;
  }

  /** How a sign-in went: a session, a wrong name or password (both empty), or too many attempts (a wait). */
  record SignIn(Optional<String> session, Optional<Duration> retryAfter) {}

  /**
   * A new session id when the account exists, is enabled and the password is right, and {@code address} and the
   * account name may try now. An empty {@code name} is the bootstrap account.
   */
  SignIn signIn(String address, String name, String password) {
    String typed = name == null || name.isBlank() ? BOOTSTRAP : name.strip();
    String key = typed.length() > 64 ? typed.substring(0, 64).toLowerCase(Locale.ROOT) : typed.toLowerCase(Locale.ROOT);
    Optional<Duration> wait = throttle.attempt(key, address);
    if (wait.isPresent()) {
      return new SignIn(Optional.empty(), wait);
    }
    Optional<Session> session = check(typed, password == null ? "" : password);
    if (session.isEmpty()) {
      return new SignIn(Optional.empty(), Optional.empty());
    }
    throttle.succeeded(key, address);
    byte[] id = new byte[32];
    RANDOM.nextBytes(id);
    String sessionId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    sessions.put(sessionId, session.get());
    sessions.entrySet().removeIf(entry -> entry.getValue().until().isBefore(clock.instant()));
    return new SignIn(Optional.of(sessionId), Optional.empty());
  }

  private Optional<Session> check(String name, String password) {
    Instant until = clock.instant().plus(SESSION_LENGTH);
    if (bootstrap.isPresent() && name.equalsIgnoreCase(BOOTSTRAP)) {
      return bootstrap.get().matches(password.toCharArray())
          ? Optional.of(new Session(new Account(BOOTSTRAP, Role.ADMIN), until, Optional.empty())) : Optional.empty();
    }
    Optional<User> user = DashboardUserRepository.nameProblem(name).isPresent() ? Optional.empty() : users.find(name);
    boolean right = user.map(User::password).orElse(NOBODY).matches(password.toCharArray());
    if (user.isEmpty() || user.get().disabled() || !right) {
      return Optional.empty();
    }
    return Optional.of(new Session(new Account(user.get().name(), user.get().role()), until,
        Optional.of(user.get().updatedAt())));
  }

  /**
   * The account signed in with {@code session}: none when there is no such session, it has expired, or its
   * account has since been removed, disabled or changed (a new password ends every session of the account).
   */
  Optional<Account> account(String session) {
    if (session == null) {
      return Optional.empty();
    }
    Session found = sessions.get(session);
    if (found == null) {
      return Optional.empty();
    }
    if (!found.until().isAfter(clock.instant()) || !current(found)) {
      sessions.remove(session);
      return Optional.empty();
    }
    return Optional.of(found.account());
  }

  private boolean current(Session session) {
    if (session.accountChanged().isEmpty()) {
      return true; // the bootstrap account lives as long as the process and its configuration
    }
    return users.find(session.account().name()).filter(user -> !user.disabled())
        .filter(user -> user.updatedAt().equals(session.accountChanged().get())).isPresent();
  }

  boolean valid(String session) {
    return account(session).isPresent();
  }

  void signOut(String session) {
    if (session != null) {
      sessions.remove(session);
    }
  }
}
