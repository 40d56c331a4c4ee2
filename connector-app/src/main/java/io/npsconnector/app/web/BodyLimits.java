package io.npsconnector.app.web;

import java.util.List;

/**
 * The largest request body each path accepts, in bytes: the forms (survey, unsubscribe, admin) take small
 * bodies, every other route (webhooks, and any a plugin adds) the larger general limit. Applies to a body
 * however it arrives, with a {@code Content-Length} or chunked.
 */
record BodyLimits(List<String> formPrefixes, long formLimit, long otherLimit) {
  /** Form bodies larger than this are refused (a comment of 2,000 characters of 4 bytes fits). */
  static final long FORM_BODY = 16 * 1024;
  /** Any other body larger than this is refused (HubSpot's webhook batches of up to 100 events fit). */
  static final long ANY_BODY = 512 * 1024;

  BodyLimits {
    formPrefixes = List.copyOf(formPrefixes);
    if (formLimit < 0 || otherLimit < formLimit) {
      throw new IllegalArgumentException("body limits must be 0 <= form <= other, got " + formLimit + " and "
          + otherLimit);
    }
  }

  /** The server's limits: the survey, unsubscribe, test survey and admin forms, and everything else. */
  static BodyLimits standard() {
    return new BodyLimits(List.of("/s/", "/u/", "/t/", "/admin"), FORM_BODY, ANY_BODY);
  }

  long limitFor(String path) {
    for (String prefix : formPrefixes) {
      if (path.startsWith(prefix)) {
        return formLimit;
      }
    }
    return otherLimit;
  }
}
