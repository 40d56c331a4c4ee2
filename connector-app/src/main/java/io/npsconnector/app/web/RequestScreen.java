package io.npsconnector.app.web;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;

/**
 * Screens every request before its route runs, so that no route meets what the framework would fail on with
 * a 500: a declared body over the path's limit (413, nothing read), a multipart body (415), a {@code charset}
 * this JVM does not know (415), and a query string or form body that is not well-formed url-encoding in its
 * charset (400). A form body is read here, through {@link BoundedBodyFilter}'s bounded stream.
 */
final class RequestScreen implements Handler {
  private static final String FORM = "application/x-www-form-urlencoded";

  private final BodyLimits limits;

  RequestScreen(BodyLimits limits) {
    this.limits = limits;
  }

  @Override
  public void handle(Context ctx) {
    if (ctx.req().getContentLengthLong() > limits.limitFor(ctx.path())) {
      throw new ContentTooLargeResponse();
    }
    String type = Optional.ofNullable(ctx.header("Content-Type")).orElse("").toLowerCase(Locale.ROOT).strip();
    if (type.startsWith("multipart/")) {
      throw new HttpResponseException(415, "multipart bodies are not accepted");
    }
    Charset charset = declaredCharset(type).orElse(StandardCharsets.UTF_8);
    String query = ctx.queryString();
    Optional<String> problem = query == null ? Optional.empty() : StrictFormEncoding.problemInText(query, charset);
    if (problem.isEmpty() && type.startsWith(FORM)) {
      problem = StrictFormEncoding.problemInBody(ctx.bodyAsBytes(), charset);
    }
    if (problem.isPresent()) {
      throw new HttpResponseException(400, problem.get());
    }
  }

  /**
   * The charset a Content-Type names, read as Javalin reads it (the text after the first {@code =} of the
   * first {@code charset} parameter), refused with 415 when this JVM does not know it.
   */
  static Optional<Charset> declaredCharset(String contentType) {
    for (String parameter : contentType.split(";")) {
      String trimmed = parameter.strip();
      if (trimmed.toLowerCase(Locale.ROOT).startsWith("charset")) {
        int equals = trimmed.indexOf('=');
        String name = equals < 0 ? "" : trimmed.substring(equals + 1).strip();
        try {
          if (Charset.isSupported(name)) {
            return Optional.of(Charset.forName(name));
          }
        } catch (IllegalCharsetNameException e) {
          // falls through to the refusal
        }
        throw new HttpResponseException(415, "unknown charset");
      }
    }
    return Optional.empty();
  }
}
