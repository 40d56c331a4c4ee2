package io.npsconnector.core.stats;

/**
 * The adjusted-Wald estimate of NPS and its variance, as DESIGN.md fixes it: 3 added to n and 0.75 to the
 * promoter and detractor counts, so that small and one-sided samples still get a sensible interval.
 */
final class AdjustedWald {
  /** The two-sided 95 % normal quantile. */
  static final double Z95 = 1.96;

  private static final double ADDED_RESPONSES = 3;
  private static final double ADDED_PER_EXTREME = 0.75;

  private AdjustedWald() {}

  /** NPS' = p' − d', as a fraction from −1 to 1. */
  static double nps(NpsTally tally) {
    return promoterShare(tally) - detractorShare(tally);
  }

  /** Var' = [p' + d' − (p' − d')²] / n'. */
  static double variance(NpsTally tally) {
    double p = promoterShare(tally);
    double d = detractorShare(tally);
    return (p + d - (p - d) * (p - d)) / adjustedN(tally);
  }

  /** 100·(center ± 1.96·√variance), clamped to ±{@code bound} points. */
  static ConfidenceInterval interval(double center, double variance, double bound) {
    double margin = Z95 * Math.sqrt(variance);
    return ConfidenceInterval.of(clamp(100 * (center - margin), bound), clamp(100 * (center + margin), bound));
  }

  private static double adjustedN(NpsTally tally) {
    return tally.n() + ADDED_RESPONSES;
  }

  private static double promoterShare(NpsTally tally) {
    return (tally.promoters() + ADDED_PER_EXTREME) / adjustedN(tally);
  }

  private static double detractorShare(NpsTally tally) {
    return (tally.detractors() + ADDED_PER_EXTREME) / adjustedN(tally);
  }

  private static double clamp(double value, double bound) {
    return Math.max(-bound, Math.min(bound, value));
  }
}
