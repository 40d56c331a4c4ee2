package io.npsconnector.app.web;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.Predicate;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.npsconnector.core.render.HtmlOutput;

/**
 * The demo's captured mails on the dashboard, behind the admin sign-in: a list, and each mail as its recipient
 * would see it (headers, text part, HTML part). The HTML part is served on a route of its own under a CSP
 * that runs no script, loads nothing and makes the document a sandbox, and is shown in a sandboxed frame.
 */
final class MailPages {
  /** The mail page's policy: the dashboard's, plus frames of this server (the HTML part). */
  static final String PAGE_CSP = SecurityHeaders.CSP + "; frame-src 'self'";
  /** The HTML part's policy: a sandbox without scripts; inline styles and inline images only. */
  static final String BODY_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
      + "form-action 'none'; frame-ancestors 'self'; base-uri 'none'";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
      .withZone(ZoneOffset.UTC);

  private final CapturedMails mails;
  private final Predicate<Context> signedIn;

  MailPages(CapturedMails mails, Predicate<Context> signedIn) {
    this.mails = mails;
    this.signedIn = signedIn;
  }

  void register(Javalin app) {
    app.get("/admin/mails", ctx -> {
      if (signedIn.test(ctx)) {
        HtmlOutput out = HtmlOutput.toText();
        JtemailsGenerated.render(out, null, mails.all().stream().map(mail -> new Row(mail.number(),
            TIME.format(mail.receivedAt()), mail.to(), mail.subject())).toList());
        Dashboard.html(ctx, 200, out.toString());
      }
    });
    app.get("/admin/mails/{number}", ctx -> {
      if (signedIn.test(ctx)) {
        Optional<CapturedMails.Mail> mail = find(ctx);
        if (mail.isPresent()) {
          HtmlOutput out = HtmlOutput.toText();
          JtemailGenerated.render(out, null, mail.get(), TIME.format(mail.get().receivedAt()));
          Dashboard.html(ctx.header("Content-Security-Policy", PAGE_CSP), 200, out.toString());
        }
      }
    });
    app.get("/admin/mails/{number}/html", ctx -> {
      if (signedIn.test(ctx)) {
        Optional<String> html = find(ctx).flatMap(CapturedMails.Mail::html);
        if (html.isPresent()) {
          ctx.header("Content-Security-Policy", BODY_CSP).header("X-Frame-Options", "SAMEORIGIN");
          Dashboard.html(ctx, 200, html.get());
        } else {
          ctx.status(404);
        }
      }
    });
  }

  /** The mail the path names; a 404 when there is none. */
  private Optional<CapturedMails.Mail> find(Context ctx) {
    Optional<CapturedMails.Mail> mail;
    try {
      mail = mails.find(Integer.parseInt(ctx.pathParam("number")));
    } catch (NumberFormatException e) {
      mail = Optional.empty();
    }
    if (mail.isEmpty()) {
      ctx.status(404);
    }
    return mail;
  }

  /** One line of the list. */
  record Row(int number, String at, String to, String subject) {}
}
