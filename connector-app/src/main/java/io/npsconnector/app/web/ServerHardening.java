package io.npsconnector.app.web;

import java.util.EnumSet;

import org.eclipse.jetty.servlet.FilterHolder;

import io.javalin.config.JavalinConfig;
import jakarta.servlet.DispatcherType;

/**
 * The server-wide defences that sit below the routes, so that they hold for every route, a plugin's too:
 * bounded request bodies ({@link BoundedBodyFilter}), HEAD answered as GET ({@link HeadAsGetFilter}), Jetty's
 * own error answers with the security headers ({@link SecureErrorHandler}), and every refused request counted
 * in the {@link RefusalLog}.
 */
final class ServerHardening {
  /** A request attribute a route may set to say why it refused, for the counts (never client text). */
  static final String REFUSAL_REASON = "npsconnector.refusal";

  private ServerHardening() {}

  static void apply(JavalinConfig javalin, BodyLimits limits, RefusalLog refusals) {
    SecureErrorHandler errors = new SecureErrorHandler(refusals);
    javalin.jetty.modifyServer(server -> server.setErrorHandler(errors));
    javalin.jetty.modifyServletContextHandler(context -> {
      context.setErrorHandler(errors);
      context.addFilter(new FilterHolder(new BoundedBodyFilter(limits)), "/*", EnumSet.of(DispatcherType.REQUEST));
      context.addFilter(new FilterHolder(new HeadAsGetFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
    });
    // a body broken off or badly chunked by the client is the client's fault, not a server error
    javalin.jetty.clientAbortStatus = 400;
    javalin.requestLogger.http((ctx, millis) -> {
      int status = ctx.statusCode();
      if (status >= 400 && status < 500) {
        Object reason = ctx.attribute(REFUSAL_REASON);
        refusals.refused(status, RefusalLog.routeOf(ctx.path()) + (reason == null ? "" : " (" + reason + ")"));
      }
    });
  }
}
