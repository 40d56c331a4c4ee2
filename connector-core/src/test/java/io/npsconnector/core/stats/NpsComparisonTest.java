package io.npsconnector.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class NpsComparisonTest {
  private static final Offset<Double> HAND = within(0.01);

  @Test
  void aLargeRiseIsSignificant() {
    // earlier P = 50, Pa = 30, D = 20 (NPS 30): NPS' = 30 / 103 = 0.291262, Var' = 0.0059159
    // later   P = 70, Pa = 20, D = 10 (NPS 60): NPS' = 60 / 103 = 0.582524,
    //   Var' = (81.5 / 103 − 0.582524²) / 103 = (0.791262 − 0.339335) / 103 = 0.0043876
    // difference = 60 − 30 = 30.0; adjusted difference = 30 / 103 = 0.291262
    // SE = √(0.0059159 + 0.0043876) = √0.0103036 = 0.101507; 1.96·SE = 0.198954
    // CI = 100·(0.291262 ± 0.198954) = [9.23, 49.02]: excludes 0, both n = 100
    NpsComparison comparison = NpsComparison.of(NpsTally.of(50, 30, 20), NpsTally.of(70, 20, 10));

    assertThat(comparison.difference()).hasValueCloseTo(30.0, within(1e-9));
    ConfidenceInterval ci = comparison.ci95().orElseThrow();
    assertThat(ci.low()).isCloseTo(9.23, HAND);
    assertThat(ci.high()).isCloseTo(49.02, HAND);
    assertThat(comparison.significant()).isTrue();
    assertThat(comparison.warning()).isEmpty();
  }

  @Test
  void aSmallRiseIsNotSignificant() {
    // earlier as above; later P = 55, Pa = 30, D = 15 (NPS 40): NPS' = 40 / 103 = 0.388350, Var' = 0.0052753
    // difference = 10.0; SE = √(0.0059159 + 0.0052753) = 0.105789; 1.96·SE = 0.207346
    // CI = 100·(10 / 103 ± 0.207346) = 100·(0.097087 ± 0.207346) = [−11.03, 30.44]: contains 0
    NpsComparison comparison = NpsComparison.of(NpsTally.of(50, 30, 20), NpsTally.of(55, 30, 15));

    assertThat(comparison.difference()).hasValueCloseTo(10.0, within(1e-9));
    ConfidenceInterval ci = comparison.ci95().orElseThrow();
    assertThat(ci.low()).isCloseTo(-11.03, HAND);
    assertThat(ci.high()).isCloseTo(30.44, HAND);
    assertThat(comparison.significant()).isFalse();
    assertThat(comparison.warning()).isEmpty();
  }

  @Test
  void aFallIsANegativeDifference() {
    NpsComparison comparison = NpsComparison.of(NpsTally.of(70, 20, 10), NpsTally.of(50, 30, 20));

    assertThat(comparison.difference()).hasValueCloseTo(-30.0, within(1e-9));
    ConfidenceInterval ci = comparison.ci95().orElseThrow();
    assertThat(ci.low()).isCloseTo(-49.02, HAND);
    assertThat(ci.high()).isCloseTo(-9.23, HAND);
    assertThat(comparison.significant()).isTrue();
  }

  @Test
  void smallSamplesAreNeverSignificantEvenWhenTheIntervalExcludesZero() {
    // earlier 10 detractors (NPS −100), later 10 promoters (NPS +100): difference 200.0
    // NPS'earlier = −10 / 13, NPS'later = 10 / 13, each Var' = 0.0225307; SE = √0.0450614 = 0.212277
    // CI = 100·(20 / 13 ± 1.96·0.212277) = 100·(1.538462 ± 0.416063) = [112.24, 195.45]: excludes 0, yet n = 10
    NpsComparison comparison = NpsComparison.of(NpsTally.of(0, 0, 10), NpsTally.of(10, 0, 0));

    assertThat(comparison.difference()).hasValueCloseTo(200.0, within(1e-9));
    ConfidenceInterval ci = comparison.ci95().orElseThrow();
    assertThat(ci.low()).isCloseTo(112.24, HAND);
    assertThat(ci.high()).isCloseTo(195.45, HAND);
    assertThat(ci.contains(0)).isFalse();
    assertThat(comparison.significant()).isFalse();
    assertThat(comparison.warning()).hasValue(
        "the earlier period has n = 10 and the later period has n = 10, below the 30 answers a comparison needs");
  }

  @Test
  void oneSmallSampleIsEnoughToWithholdSignificance() {
    NpsComparison comparison = NpsComparison.of(NpsTally.of(50, 30, 20), NpsTally.of(29, 0, 0));

    assertThat(comparison.ci95().orElseThrow().contains(0)).isFalse();
    assertThat(comparison.significant()).isFalse();
    assertThat(comparison.warning())
        .hasValue("the later period has n = 29, below the 30 answers a comparison needs");
  }

  @Test
  void thirtyAnswersEachAreEnoughToCompare() {
    NpsComparison comparison = NpsComparison.of(NpsTally.of(0, 10, 20), NpsTally.of(25, 5, 0));

    assertThat(comparison.warning()).isEmpty();
    assertThat(comparison.significant()).isTrue();
  }

  @Test
  void emptyPeriodHasNoDifferenceAndIsNotSignificant() {
    NpsComparison comparison = NpsComparison.of(NpsTally.EMPTY, NpsTally.of(50, 30, 20));

    assertThat(comparison.difference()).isEmpty();
    assertThat(comparison.ci95()).isEmpty();
    assertThat(comparison.significant()).isFalse();
    assertThat(comparison.warning()).hasValue("the earlier period has n = 0, below the 30 answers a comparison needs");
  }

  @Test
  void intervalIsClampedToTwoHundredPoints() {
    ConfidenceInterval ci = NpsComparison.of(NpsTally.of(0, 0, 1), NpsTally.of(1, 0, 0)).ci95().orElseThrow();

    assertThat(ci.low()).isGreaterThanOrEqualTo(-200.0);
    assertThat(ci.high()).isLessThanOrEqualTo(200.0);
  }
}
