package io.npsconnector.core.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The change in NPS from an earlier period to a later one, with its 95 % interval and whether it is
 * significant.
 *
 * <p>The difference shown is the plain one (later NPS − earlier NPS, in points); its interval is centred on
 * the difference of the adjusted-Wald estimates with standard error √(Var'earlier + Var'later), clamped to
 * [−200, 200].
 *
 * @param earlier the answers of the earlier period
 * @param later the answers of the later period
 */
public record NpsComparison(NpsTally earlier, NpsTally later) {
  private static final double BOUND = 200;

  public NpsComparison {
    Objects.requireNonNull(earlier, "earlier");
    Objects.requireNonNull(later, "later");
  }

  /** Compares {@code later} with {@code earlier}. */
  public static NpsComparison of(NpsTally earlier, NpsTally later) {
    return new NpsComparison(earlier, later);
  }

  /** Later NPS − earlier NPS, in points from −200 to +200; empty when either period has no answers. */
  public OptionalDouble difference() {
    if (earlier.n() == 0 || later.n() == 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(later.nps().getAsDouble() - earlier.nps().getAsDouble());
  }

  /** The 95 % interval of the difference; empty when either period has no answers. */
  public Optional<ConfidenceInterval> ci95() {
    if (earlier.n() == 0 || later.n() == 0) {
      return Optional.empty();
    }
    return Optional.of(AdjustedWald.interval(AdjustedWald.nps(later) - AdjustedWald.nps(earlier),
        AdjustedWald.variance(later) + AdjustedWald.variance(earlier), BOUND));
  }

  /** True only when the interval excludes 0 and neither period is {@linkplain NpsTally#tooSmallToCompare() too small}. */
  public boolean significant() {
    return warning().isEmpty() && ci95().filter(interval -> !interval.contains(0)).isPresent();
  }

  /** Why the difference cannot be called significant whatever its interval: a period with too few answers. */
  public Optional<String> warning() {
    List<String> small = new ArrayList<>();
    if (earlier.tooSmallToCompare()) {
      small.add("the earlier period has n = " + earlier.n());
    }
    if (later.tooSmallToCompare()) {
      small.add("the later period has n = " + later.n());
    }
    if (small.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(String.join(" and ", small) + ", below the " + NpsTally.MIN_N_FOR_COMPARISON
        + " answers a comparison needs");
  }
}
