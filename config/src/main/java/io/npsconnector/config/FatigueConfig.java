package io.npsconnector.config;

import java.util.Optional;

/**
 * How often one person may be surveyed.
 *
 * @param days no survey to the same contact within this many days, across all triggers (0 turns it off)
 * @param accountDays when present, no survey to anyone of the same account within this many days
 */
public record FatigueConfig(int days, Optional<Integer> accountDays) {
  public static final int DEFAULT_DAYS = 90;

  static FatigueConfig read(Section fatigue) {
    int days = fatigue.integer("days", 0, 3_650).orElse(DEFAULT_DAYS);
    Optional<Integer> accountDays = fatigue.integer("account-days", 1, 3_650);
    fatigue.finish();
    return new FatigueConfig(days, accountDays);
  }
}
