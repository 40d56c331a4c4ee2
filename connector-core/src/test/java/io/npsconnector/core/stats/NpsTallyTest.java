package io.npsconnector.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.npsconnector.core.model.Score;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class NpsTallyTest {
  /** Hand-computed bounds below are rounded to 0.01 point. */
  private static final Offset<Double> HAND = within(0.01);

  private static final Offset<Double> EXACT = within(1e-9);

  @Test
  void computesNpsAndIntervalOfAMixedSample() {
    // P = 50, Pa = 30, D = 20, n = 100: NPS = 50 % − 20 % = 30.0
    // n' = 103, p' = 50.75 / 103 = 0.492718, d' = 20.75 / 103 = 0.201456
    // NPS' = p' − d' = 30 / 103 = 0.291262; p' + d' = 71.5 / 103 = 0.694175; NPS'² = 0.084834
    // Var' = (0.694175 − 0.084834) / 103 = 0.609341 / 103 = 0.0059159; √Var' = 0.076915; 1.96·√Var' = 0.150754
    // CI = 100·(0.291262 ± 0.150754) = [14.05, 44.20]
    NpsTally tally = NpsTally.of(50, 30, 20);

    assertThat(tally.n()).isEqualTo(100);
    assertThat(tally.nps()).hasValueCloseTo(30.0, EXACT);
    ConfidenceInterval ci = tally.ci95().orElseThrow();
    assertThat(ci.low()).isCloseTo(14.05, HAND);
    assertThat(ci.high()).isCloseTo(44.20, HAND);
  }

  @Test
  void allPromotersGiveNpsHundredAndAnIntervalClampedAtHundred() {
    // P = 10, n = 10: NPS = 100.0
    // n' = 13, p' = 10.75 / 13 = 0.826923, d' = 0.75 / 13 = 0.057692
    // NPS' = 10 / 13 = 0.769231; p' + d' = 11.5 / 13 = 0.884615; NPS'² = 0.591716
    // Var' = (0.884615 − 0.591716) / 13 = 0.292899 / 13 = 0.0225307; √Var' = 0.150102; 1.96·√Var' = 0.294200
    // CI = 100·(0.769231 ± 0.294200) = [47.50, 106.34], clamped to [47.50, 100]
    NpsTally tally = NpsTally.of(10, 0, 0);

    assertThat(tally.nps()).hasValueCloseTo(100.0, EXACT);
    ConfidenceInterval ci = tally.ci95().orElseThrow();
    assertThat(ci.low()).isCloseTo(47.50, HAND);
    assertThat(ci.high()).isEqualTo(100.0);
  }

  @Test
  void oneDetractorAloneGetsAWideInterval() {
    // D = 1, n = 1: NPS = −100.0
    // n' = 4, p' = 0.75 / 4 = 0.1875, d' = 1.75 / 4 = 0.4375, NPS' = −0.25
    // Var' = (0.625 − 0.0625) / 4 = 0.140625; √Var' = 0.375; 1.96·√Var' = 0.735
    // CI = 100·(−0.25 ± 0.735) = [−98.5, 48.5], exactly: the adjustment pulls a tiny sample towards 0, so the
    // interval need not contain the plain NPS
    NpsTally tally = NpsTally.of(0, 0, 1);

    assertThat(tally.n()).isEqualTo(1);
    assertThat(tally.nps()).hasValueCloseTo(-100.0, EXACT);
    ConfidenceInterval ci = tally.ci95().orElseThrow();
    assertThat(ci.low()).isCloseTo(-98.5, EXACT);
    assertThat(ci.high()).isCloseTo(48.5, EXACT);
    assertThat(ci.contains(-100)).isFalse();
  }

  @Test
  void onePromoterAloneMirrorsOneDetractor() {
    // as above with p' and d' swapped: CI = 100·(0.25 ± 0.735) = [−48.5, 98.5]
    ConfidenceInterval ci = NpsTally.of(1, 0, 0).ci95().orElseThrow();

    assertThat(ci.low()).isCloseTo(-48.5, EXACT);
    assertThat(ci.high()).isCloseTo(98.5, EXACT);
  }

  @Test
  void onePassiveAloneGetsAnIntervalCentredOnZero() {
    // Pa = 1, n = 1: NPS = 0.0; n' = 4, p' = d' = 0.1875, NPS' = 0
    // Var' = 0.375 / 4 = 0.09375; √Var' = 0.306186; 1.96·√Var' = 0.600125; CI = [−60.01, 60.01]
    NpsTally tally = NpsTally.of(0, 1, 0);

    assertThat(tally.nps()).hasValueCloseTo(0.0, EXACT);
    ConfidenceInterval ci = tally.ci95().orElseThrow();
    assertThat(ci.low()).isCloseTo(-60.01, HAND);
    assertThat(ci.high()).isCloseTo(60.01, HAND);
  }

  @Test
  void allDetractorsGiveAnIntervalClampedAtMinusHundred() {
    ConfidenceInterval ci = NpsTally.of(0, 0, 10).ci95().orElseThrow();

    assertThat(ci.low()).isEqualTo(-100.0);
    assertThat(ci.high()).isCloseTo(-47.50, HAND);
  }

  @Test
  void emptyTallyHasNoNpsAndNoInterval() {
    NpsTally tally = NpsTally.EMPTY;

    assertThat(tally.n()).isZero();
    assertThat(tally.nps()).isEmpty();
    assertThat(tally.ci95()).isEmpty();
    assertThat(tally.tooSmallToCompare()).isTrue();
  }

  @Test
  void pointNpsIsThePlainOneNotTheAdjustedOne() {
    // P = 3, Pa = 0, D = 1: plain NPS = 50.0; the adjusted NPS' would be 2 / 7 = 28.6
    assertThat(NpsTally.of(3, 0, 1).nps()).hasValueCloseTo(50.0, EXACT);
  }

  @Test
  void intervalNeverLeavesMinusHundredToHundred() {
    for (int p = 0; p <= 12; p++) {
      for (int d = 0; d <= 12; d++) {
        for (int pa = 0; pa <= 3; pa++) {
          NpsTally tally = NpsTally.of(p, pa, d);
          if (tally.n() == 0) {
            continue;
          }
          ConfidenceInterval ci = tally.ci95().orElseThrow();
          assertThat(ci.low()).as("%s", tally).isBetween(-100.0, 100.0);
          assertThat(ci.high()).as("%s", tally).isBetween(-100.0, 100.0);
        }
      }
    }
  }

  @Test
  void countsScoresIntoTheirCategories() {
    NpsTally tally = NpsTally.of(List.of(Score.of(0), Score.of(6), Score.of(7), Score.of(8), Score.of(9),
        Score.of(10), Score.of(10)));

    assertThat(tally).isEqualTo(NpsTally.of(3, 2, 2));
  }

  @Test
  void plusAddsOneScoreWithoutChangingTheOriginal() {
    NpsTally before = NpsTally.of(1, 1, 1);

    NpsTally after = before.plus(Score.of(9));

    assertThat(after).isEqualTo(NpsTally.of(2, 1, 1));
    assertThat(before).isEqualTo(NpsTally.of(1, 1, 1));
  }

  @Test
  void plusMergesTwoTallies() {
    assertThat(NpsTally.of(1, 2, 3).plus(NpsTally.of(10, 20, 30))).isEqualTo(NpsTally.of(11, 22, 33));
  }

  @Test
  void warnsBelowThirtyAnswers() {
    assertThat(NpsTally.MIN_N_FOR_COMPARISON).isEqualTo(30);
    assertThat(NpsTally.of(10, 10, 9).tooSmallToCompare()).isTrue();
    assertThat(NpsTally.of(10, 10, 10).tooSmallToCompare()).isFalse();
  }

  @Test
  void refusesNegativeCounts() {
    assertThatThrownBy(() -> NpsTally.of(-1, 0, 0)).hasMessage("promoters must be at least 0, got -1");
    assertThatThrownBy(() -> NpsTally.of(0, -2, 0)).hasMessage("passives must be at least 0, got -2");
    assertThatThrownBy(() -> NpsTally.of(0, 0, -3)).hasMessage("detractors must be at least 0, got -3");
  }

  @Test
  void refusesCountsWhoseTotalOverflows() {
    assertThatThrownBy(() -> NpsTally.of(Integer.MAX_VALUE, 1, 0)).isInstanceOf(ArithmeticException.class);
  }
}
