package io.npsconnector.app.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;


import io.javalin.Javalin;
import io.javalin.http.Context;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.config.TriggerConfig;
import io.npsconnector.core.delivery.email.EmailChannel;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.render.HtmlOutput;

/**
 * The dashboard's preview page, behind the admin sign-in: pick a trigger, a language and a contact (or none, for a
 * sample contact) and see the mail (its HTML part in a sandboxed frame under a CSP that runs no script and loads
 * only the logo, its text part) and the survey and thank-you pages (sandboxed frames); send the mail to an address
 * as a test (a POST with the admin CSRF field; audited). Nothing here stores anything or writes to a contact.
 */
final class PreviewPages {
  /** The frames' documents: a sandbox, our style sheets and the logo, nothing else. */
  private static final String FRAME_CSP = "sandbox; default-src 'none'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self'; form-action 'none'; frame-ancestors 'self'; base-uri 'none'";

  private final NpsConfig config;
  private final Previews previews;
  private final BiFunction<String, String, Optional<Contact>> contacts;
  private final Predicate<Context> signedIn;
  private final Predicate<Context> adminForm;
  private final Function<Context, String> csrfField;
  private final String frameCsp;
  private final AdminAudit audit;

  /**
   * @param contacts the stored contact of a connection and CRM id
   * @param signedIn answers (sign-in redirect) and false when the request has no admin session
   * @param adminForm as {@code signedIn}, and the admin CSRF field checked (403 otherwise)
   */
  PreviewPages(NpsConfig config, Previews previews, BiFunction<String, String, Optional<Contact>> contacts,
      Predicate<Context> signedIn, Predicate<Context> adminForm, Function<Context, String> csrfField,
      AdminAudit audit) {
    this.audit = audit;
    this.config = config;
    this.previews = previews;
    this.contacts = contacts;
    this.signedIn = signedIn;
    this.adminForm = adminForm;
    this.csrfField = csrfField;
    this.frameCsp = config.branding().logoOrigin()
        .map(origin -> FRAME_CSP.replace("img-src 'self'", "img-src 'self' " + origin)).orElse(FRAME_CSP);
  }

  /** What the page shows. */
  record View(List<String> triggers, String trigger, List<String> languages, String lang, String contact, String to,
      String csrf, Optional<Previews.Preview> preview, Optional<String> status, Optional<String> error) {

    /** The choice as a query string, for the frames. */
    String query() {
      return "trigger=" + encode(trigger) + "&lang=" + encode(lang) + "&contact=" + encode(contact);
    }

    String who() {
      return preview.map(found -> found.sample() ? "a sample contact (Alex Sample)"
          : found.connection() + ":" + found.contact().crmId() + " (" + found.contact().displayName() + ")")
          .orElse("");
    }
  }

  void register(Javalin app) {
    app.get("/admin/preview", ctx -> {
      if (signedIn.test(ctx)) {
        page(ctx, 200, Optional.empty(), Optional.empty());
      }
    });
    app.get("/admin/preview/mail", ctx -> {
      if (signedIn.test(ctx)) {
        frame(ctx, preview -> preview.mail().html());
      }
    });
    app.get("/admin/preview/page", ctx -> {
      if (signedIn.test(ctx)) {
        boolean thanks = "thanks".equals(ctx.queryParam("which"));
        frame(ctx, preview -> thanks ? preview.thanksPage() : preview.surveyPage());
      }
    });
    app.post("/admin/preview/send", this::send);
  }

  private void send(Context ctx) {
    if (!adminForm.test(ctx)) {
      return;
    }
    String to = param(ctx, "to").strip();
    Previews.Request request;
    try {
      request = request(ctx);
      previews.sendTest(request, to);
    } catch (Previews.PreviewException e) {
      page(ctx, 400, Optional.empty(), Optional.of("The test mail was not sent: " + e.getMessage()));
      return;
    }
    audit.record(ctx, AdminAudit.SEND_TEST, "trigger " + request.trigger(), "to " + to);
    page(ctx, 200, Optional.of("Sent a test mail to " + to + ". It is not counted anywhere."), Optional.empty());
  }

  private void page(Context ctx, int status, Optional<String> message, Optional<String> failure) {
    List<String> triggers = config.triggers().stream().filter(trigger -> trigger.channel().equals(EmailChannel.ID))
        .map(TriggerConfig::name).toList();
    String trigger = Optional.ofNullable(ctx.queryParam("trigger")).or(() -> Optional.ofNullable(formParam(ctx,
        "trigger"))).orElse(triggers.isEmpty() ? "" : triggers.get(0));
    Optional<Previews.Preview> preview = Optional.empty();
    Optional<String> error = failure;
    if (triggers.isEmpty()) {
      error = Optional.of("No trigger sends e-mail, so there is no mail to preview.");
    } else if (error.isEmpty()) {
      try {
        preview = Optional.of(previews.render(request(ctx), PageLook.SERVER_ASSETS));
      } catch (Previews.PreviewException e) {
        error = Optional.of(e.getMessage());
      }
    }
    HtmlOutput out = HtmlOutput.toText();
    JtepreviewGenerated.render(out, null, new View(triggers, trigger, previews.languages(trigger), param(ctx, "lang"),
        param(ctx, "contact"), param(ctx, "to"), csrfField.apply(ctx), preview, message, error));
    Dashboard.html(ctx.header("Content-Security-Policy", MailPages.PAGE_CSP), status, out.toString());
  }

  private void frame(Context ctx, Function<Previews.Preview, String> part) {
    try {
      String html = part.apply(previews.render(request(ctx), PageLook.SERVER_ASSETS));
      ctx.header("Content-Security-Policy", frameCsp).header("X-Frame-Options", "SAMEORIGIN");
      Dashboard.html(ctx, 200, html);
    } catch (Previews.PreviewException e) {
      Dashboard.html(ctx, 400, Html.message("en", "Preview", config.company(), e.getMessage()));
    }
  }

  /** The trigger, language and contact of the query or form; the contact looked up in the store. */
  private Previews.Request request(Context ctx) {
    String trigger = param(ctx, "trigger");
    String lang = param(ctx, "lang").strip();
    String contact = param(ctx, "contact").strip();
    Optional<String> connection = Optional.empty();
    Optional<Contact> stored = Optional.empty();
    if (!contact.isEmpty()) {
      int colon = contact.indexOf(':');
      if (colon <= 0 || colon == contact.length() - 1) {
        throw new Previews.PreviewException("write the contact as CONNECTION:CRM_ID, such as hubspot:1001, or leave "
            + "it empty for a sample contact");
      }
      connection = Optional.of(contact.substring(0, colon));
      if (config.connection(connection.get()).isEmpty()) {
        throw new Previews.PreviewException("no connection is named '" + connection.get() + "'"
            + io.npsconnector.config.Suggestions.didYouMean(connection.get(),
                config.connections().stream().map(io.npsconnector.config.ConnectionConfig::name).toList()));
      }
      stored = Optional.of(contacts.apply(connection.get(), contact.substring(colon + 1))
          .orElseThrow(() -> new Previews.PreviewException("the store has no contact " + contact
              + "; leave the contact empty for a sample contact")));
    }
    return new Previews.Request(trigger.isEmpty() && !config.triggers().isEmpty()
        ? config.triggers().get(0).name() : trigger, connection, stored,
        lang.isEmpty() ? Optional.empty() : Optional.of(lang));
  }

  /** A query or form parameter, "" when absent. */
  private static String param(Context ctx, String name) {
    String query = ctx.queryParam(name);
    if (query != null) {
      return query;
    }
    String form = formParam(ctx, name);
    return form == null ? "" : form;
  }

  private static String formParam(Context ctx, String name) {
    return "POST".equals(ctx.method().name()) ? ctx.formParam(name) : null;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
