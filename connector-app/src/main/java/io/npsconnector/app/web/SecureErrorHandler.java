package io.npsconnector.app.web;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Jetty's own error answers, for requests that never reach a route (a bad request line or URI, a URI or
 * headers too long, an unknown HTTP version, an ambiguous path): a short plain-text body naming the status,
 * with the same security headers as every page, and counted as a refusal rather than logged.
 */
final class SecureErrorHandler extends ErrorHandler {
  private final RefusalLog refusals;

  SecureErrorHandler(RefusalLog refusals) {
    this.refusals = refusals;
    setShowStacks(false);
    setShowServlet(false);
    setShowMessageInTitle(false);
  }

  /** A request Jetty could not parse: answered before any handler runs. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    if (status >= 400 && status < 500) {
      refusals.refused(status, "(unparsed request)");
    }
    SecurityHeaders.apply(fields::put);
    if (HttpStatus.hasNoBody(status)) {
      return ByteBuffer.allocate(0);
    }
    fields.put("Content-Type", "text/plain; charset=utf-8");
    return ByteBuffer.wrap(text(status).getBytes(StandardCharsets.UTF_8));
  }

  /** An error Jetty answers inside the servlet context (an ambiguous path, say). */
  @Override
  public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    int status = response.getStatus();
    if (status >= 400 && status < 500) {
      refusals.refused(status, RefusalLog.routeOf(baseRequest.getRequestURI() == null ? ""
          : baseRequest.getRequestURI()));
    }
    SecurityHeaders.apply(response::setHeader);
    baseRequest.setHandled(true);
    if (HttpStatus.hasNoBody(status)) {
      return;
    }
    response.setContentType("text/plain; charset=utf-8");
    try {
      response.getOutputStream().write(text(status).getBytes(StandardCharsets.UTF_8));
    } catch (IllegalStateException writerInUse) {
      response.getWriter().write(text(status));
    }
  }

  private static String text(int status) {
    return status + " " + HttpStatus.getMessage(status) + "\n";
  }
}
