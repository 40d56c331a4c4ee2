package io.npsconnector.core.stats;

import io.npsconnector.core.model.Score;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How many promoters, passives and detractors answered, and the NPS with its 95 % interval that follows.
 *
 * <p>NPS is the plain %promoters − %detractors, in points from −100 to +100; the interval is the adjusted-Wald
 * one (see DESIGN.md, "NPS definitions"). Both are empty when nobody answered.
 *
 * @param promoters answers of 9 or 10
 * @param passives answers of 7 or 8
 * @param detractors answers from 0 to 6
 */
public record NpsTally(int promoters, int passives, int detractors) {
  /**
   * The fewest answers a tally needs before it is compared with another one. Below 30 the normal
   * approximation behind the interval is rough and one answer moves NPS by more than 3 points, so a
   * difference is never called significant.
   */
  public static final int MIN_N_FOR_COMPARISON = 30;

  /** No answers. */
  public static final NpsTally EMPTY = new NpsTally(0, 0, 0);

  private static final double BOUND = 100;

  public NpsTally {
    requireCount("promoters", promoters);
    requireCount("passives", passives);
    requireCount("detractors", detractors);
    Math.addExact(Math.addExact(promoters, passives), detractors); // so that n() cannot overflow
  }

  /** A tally of the given counts, each at least 0. */
  public static NpsTally of(int promoters, int passives, int detractors) {
    return new NpsTally(promoters, passives, detractors);
  }

  /** The tally of {@code scores}. */
  public static NpsTally of(Iterable<Score> scores) {
    NpsTally tally = EMPTY;
    for (Score score : scores) {
      tally = tally.plus(score);
    }
    return tally;
  }

  /** This tally with one more answer. */
  public NpsTally plus(Score score) {
    return switch (score.category()) {
      case PROMOTER -> new NpsTally(promoters + 1, passives, detractors);
      case PASSIVE -> new NpsTally(promoters, passives + 1, detractors);
      case DETRACTOR -> new NpsTally(promoters, passives, detractors + 1);
    };
  }

  /** The answers of both tallies together. */
  public NpsTally plus(NpsTally other) {
    Objects.requireNonNull(other, "other");
    return new NpsTally(Math.addExact(promoters, other.promoters), Math.addExact(passives, other.passives),
        Math.addExact(detractors, other.detractors));
  }

  /** The number of answers. */
  public int n() {
    return promoters + passives + detractors;
  }

  /** %promoters − %detractors in points, from −100 to +100; empty when {@code n} is 0. */
  public OptionalDouble nps() {
    return n() == 0 ? OptionalDouble.empty() : OptionalDouble.of(100.0 * (promoters - detractors) / n());
  }

  /** The adjusted-Wald 95 % interval of NPS, clamped to [−100, 100]; empty when {@code n} is 0. */
  public Optional<ConfidenceInterval> ci95() {
    if (n() == 0) {
      return Optional.empty();
    }
    return Optional.of(AdjustedWald.interval(AdjustedWald.nps(this), AdjustedWald.variance(this), BOUND));
  }

  /** True when {@code n} is below {@link #MIN_N_FOR_COMPARISON}: show it, but compare nothing with it. */
  public boolean tooSmallToCompare() {
    return n() < MIN_N_FOR_COMPARISON;
  }

  private static void requireCount(String name, int count) {
    if (count < 0) {
      throw new IllegalArgumentException(name + " must be at least 0, got " + count);
    }
  }
}
