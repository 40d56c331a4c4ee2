package io.npsconnector.core.stats;

/**
 * A 95 % confidence interval, in NPS points.
 *
 * @param low the lower bound, at most {@code high}
 * @param high the upper bound
 */
public record ConfidenceInterval(double low, double high) {
  public ConfidenceInterval {
    if (!Double.isFinite(low) || !Double.isFinite(high) || low > high) {
      throw new IllegalArgumentException("interval must be finite with low <= high, got [" + low + ", " + high + "]");
    }
  }

  /** The interval from {@code low} to {@code high}. */
  public static ConfidenceInterval of(double low, double high) {
    return new ConfidenceInterval(low, high);
  }

  /** True when {@code value} lies within the bounds, bounds included. */
  public boolean contains(double value) {
    return low <= value && value <= high;
  }
}
