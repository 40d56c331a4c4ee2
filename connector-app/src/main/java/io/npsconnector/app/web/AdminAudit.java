package io.npsconnector.app.web;

import java.time.Clock;

import io.javalin.http.Context;
import io.npsconnector.core.store.AdminAuditRepository;
import io.npsconnector.core.store.AdminAuditRepository.Actor;

/**
 * Records an admin action on the dashboard in the audit log (table {@code admin_audit}) with the signed-in
 * account, its role, the client's address and the time: every route that changes something or exports personal
 * data calls {@link #record} once it has done so. The dashboard's audit page lists the log.
 */
public final class AdminAudit {
  /** Action names as the log shows them. */
  public static final String TRIGGER_PAUSE = "trigger.pause";
  public static final String TRIGGER_RESUME = "trigger.resume";
  public static final String CONNECTION_RESUME = "connection.resume";
  public static final String EXPORT = "export";
  public static final String SEND_TEST = "send-test";

  private final AdminAuditRepository log;
  private final Clock clock;

  AdminAudit(AdminAuditRepository log, Clock clock) {
    this.log = log;
    this.clock = clock;
  }

  /**
   * Records that the account signed in on {@code ctx} did {@code action} (such as {@link #SEND_TEST}) on
   * {@code target} (a trigger, a connection, a file, a template), with {@code detail} (empty when there is none).
   *
   * @throws IllegalStateException on a request without a signed-in account (a route outside the dashboard)
   */
  public void record(Context ctx, String action, String target, String detail) {
    AdminAuth.Account account = DashboardAccess.account(ctx).orElseThrow(() -> new IllegalStateException(
        "an admin action on " + ctx.path() + " without a signed-in account cannot be audited"));
    log.record(new Actor(account.name(), account.role().id(), ctx.ip()), action, target, detail, clock.instant());
  }

  /** Who did it, for texts that name them (a pause's "paused by"): the account and the address. */
  static String who(Context ctx) {
    return DashboardAccess.account(ctx).map(AdminAuth.Account::name).orElse("?") + " from " + ctx.ip();
  }
}
