package io.npsconnector.core.model;

import java.util.Locale;

/** What happened to a customer: a purchase (won opportunity, closed-won deal) or a closed support case or ticket. */
public enum EventKind {
  PURCHASE, SUPPORT;

  /** As written in configuration ({@code purchase}). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
