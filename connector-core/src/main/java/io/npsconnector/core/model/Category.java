package io.npsconnector.core.model;

import java.util.Locale;
import java.util.Objects;

/** Where a score puts the person who gave it: promoter (9-10), passive (7-8) or detractor (0-6). */
public enum Category {
  /** Scores 9 and 10. */
  PROMOTER,
  /** Scores 7 and 8. */
  PASSIVE,
  /** Scores 0 to 6. */
  DETRACTOR;

  /** The category of {@code score}. */
  public static Category of(Score score) {
    Objects.requireNonNull(score, "score");
    if (score.value() >= 9) {
      return PROMOTER;
    }
    return score.value() >= 7 ? PASSIVE : DETRACTOR;
  }

  /** As written to CRMs and exports ({@code promoter}). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
