package io.npsconnector.app.web;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import io.javalin.http.Context;
import io.npsconnector.core.store.DashboardUserRepository.Role;

/**
 * Who may do what on the dashboard, decided here for every route under {@code /admin} and for {@code /api/summary}
 * (the read API's bearer tokens are its own), before any route runs; a route registered later by anyone falls
 * under the same rules:
 *
 * <ul>
 *   <li>not signed in: a page leads to the sign-in, {@code /api/summary} answers 401;
 *   <li>an admin may do everything;
 *   <li>a viewer may read (GET, HEAD) every page, but no other method (pause, resume, send a test, ...: 403),
 *       no page of {@link #ADMIN_PAGES}, and no download of personal data: the paths of
 *       {@link #PERSONAL_DATA_EXPORTS}, and any other download (a path ending {@code .csv}, {@code .json},
 *       {@code .eml}, ...) not listed in {@link #AGGREGATED_EXPORTS} (403).
 * </ul>
 *
 * The sign-in and sign-out routes are open. The signed-in account is on the request for the routes
 * ({@link #account(Context)}).
 */
final class DashboardAccess {
  /** Downloads holding names, e-mail addresses or comments: admins only. */
  static final Set<String> PERSONAL_DATA_EXPORTS = Set.of("/admin/answers.csv");
  /** Downloads of aggregated figures only, which a viewer may take. */
  static final Set<String> AGGREGATED_EXPORTS = Set.of("/api/summary");
  /** Pages that change nothing yet are for admins only (the audit log names people and addresses). */
  static final Set<String> ADMIN_PAGES = Set.of("/admin/audit");
  /** A path ending so is a download (which a viewer may not take unless it is listed as aggregated). */
  private static final Set<String> DOWNLOADS = Set.of("csv", "json", "eml", "zip", "xlsx", "ndjson", "txt", "pdf");
  private static final Set<String> OPEN = Set.of("/admin/login", "/admin/logout");
  private static final String ACCOUNT = "npsconnector.account";

  /** What a request gets. */
  enum Decision {
    /** Not a dashboard route, or one anyone may use (the sign-in). */
    OPEN,
    /** The route needs a session and there is none. */
    SIGN_IN,
    ALLOWED,
    /** Signed in, but the role may not. */
    FORBIDDEN
  }

  private final AdminAuth auth;
  private final java.util.function.Function<String, String> forbiddenPage;

  /**
   * @param forbiddenPage the HTML page of a 403, given its message
   */
  DashboardAccess(AdminAuth auth, java.util.function.Function<String, String> forbiddenPage) {
    this.auth = auth;
    this.forbiddenPage = forbiddenPage;
  }

  /** The rule itself, on the method, the path and the signed-in account's role (empty: not signed in). */
  static Decision decide(String method, String path, Optional<Role> role) {
    if (!guarded(path) || OPEN.contains(path)) {
      return Decision.OPEN;
    }
    if (role.isEmpty()) {
      return Decision.SIGN_IN;
    }
    if (role.get() == Role.ADMIN) {
      return Decision.ALLOWED;
    }
    boolean reads = "GET".equals(method) || "HEAD".equals(method);
    if (!reads || ADMIN_PAGES.contains(path) || PERSONAL_DATA_EXPORTS.contains(path)
        || download(path) && !AGGREGATED_EXPORTS.contains(path)) {
      return Decision.FORBIDDEN;
    }
    return Decision.ALLOWED;
  }

  /** A before-handler: answers (and ends) a request that may not go on; puts the account on one that may. */
  void handle(Context ctx) {
    String path = ctx.path();
    if (!guarded(path)) {
      return;
    }
    Optional<AdminAuth.Account> account = auth.account(ctx.cookie(AdminAuth.SESSION_COOKIE));
    account.ifPresent(signedIn -> ctx.attribute(ACCOUNT, signedIn));
    switch (decide(ctx.method().name(), path, account.map(AdminAuth.Account::role))) {
      case OPEN, ALLOWED -> { }
      case SIGN_IN -> {
        if (path.startsWith("/api/")) {
          ctx.status(401).contentType("application/json").result("{\"error\":\"sign in at /admin/login\"}");
        } else {
          ctx.status(303).header("Location", "/admin/login");
        }
        ctx.skipRemainingHandlers();
      }
      case FORBIDDEN -> {
        String what = !"GET".equals(ctx.method().name()) && !"HEAD".equals(ctx.method().name())
            ? "change anything" : ADMIN_PAGES.contains(path) ? "see this page" : "export personal data";
        Dashboard.html(ctx, 403, forbiddenPage.apply("Your account " + account.get().name() + " is a viewer: it "
            + "may read the dashboard but not " + what + ". Ask an admin."));
        ctx.skipRemainingHandlers();
      }
      default -> throw new IllegalStateException();
    }
  }

  /** The account signed in on this request, once {@link #handle} let it through. */
  static Optional<AdminAuth.Account> account(Context ctx) {
    return Optional.ofNullable(ctx.attribute(ACCOUNT));
  }

  /** Whether the account on this request may use routes that change things (forms are shown to it). */
  static boolean mayAct(Context ctx) {
    return account(ctx).map(account -> account.role() == Role.ADMIN).orElse(false);
  }

  private static boolean guarded(String path) {
    return path.equals("/admin") || path.startsWith("/admin/") || path.equals("/api/summary");
  }

  private static boolean download(String path) {
    String last = path.substring(path.lastIndexOf('/') + 1);
    int dot = last.lastIndexOf('.');
    return dot >= 0 && DOWNLOADS.contains(last.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
