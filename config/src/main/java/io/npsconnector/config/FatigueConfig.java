package io.npsconnector.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How often one person may be surveyed.
 *
 * @param days no survey to the same person within this many days, across all triggers (0 turns it off)
 * @param accountDays when present, no survey to anyone of the same account within this many days
 * @param scope who counts as the same person: the same e-mail address in any connection, or the same
 *     contact in one connection
 */
public record FatigueConfig(int days, Optional<Integer> accountDays, Scope scope) {
  public static final int DEFAULT_DAYS = 90;

  /** Who the fatigue window counts for. */
  public enum Scope {
    /** One person: every contact with the same e-mail address (ignoring case), in every connection. */
    PERSON,
    /** One contact of one connection: a person in two CRMs is counted twice. */
    CONNECTION;

    /** As configuration files write it ({@code person}). */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public FatigueConfig {
    Objects.requireNonNull(accountDays, "accountDays");
    Objects.requireNonNull(scope, "scope");
  }

  static FatigueConfig read(Section fatigue) {
    int days = fatigue.integer("days", 0, 3_650).orElse(DEFAULT_DAYS);
    Optional<Integer> accountDays = fatigue.integer("account-days", 1, 3_650);
    List<String> scopes = List.of(Scope.PERSON.id(), Scope.CONNECTION.id());
    Scope scope = fatigue.oneOf("scope", "fatigue scope", scopes)
        .map(id -> Scope.valueOf(id.toUpperCase(Locale.ROOT))).orElse(Scope.PERSON);
    fatigue.finish();
    return new FatigueConfig(days, accountDays, scope);
  }
}
