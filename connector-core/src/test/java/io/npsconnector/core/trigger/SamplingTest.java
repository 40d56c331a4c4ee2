package io.npsconnector.core.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SamplingTest {
  @Test
  void positionIsTheFirstEightBytesOfSha256AsAFraction() {
    // pinned: changing the hash would re-sample every contact of every installation
    assertThat(Sampling.position("hubspot-eu", "post-purchase", "003A")).isEqualTo(0.0356944965945869);
    assertThat(Sampling.position("hubspot-eu", "post-purchase", "003B")).isEqualTo(0.43898099654326117);
  }

  @Test
  void samplesCloseToTheRateOverTenThousandContacts() {
    int sampled = 0;
    for (int i = 0; i < 10_000; i++) {
      if (Sampling.sampled(Sampling.position("hubspot-eu", "post-purchase", "003" + i), 0.25)) {
        sampled++;
      }
    }

    assertThat(sampled / 10_000.0).isCloseTo(0.25, within(0.02));
  }

  @Test
  void samplesDifferentContactsForDifferentTriggersAndConnections() {
    double base = Sampling.position("hubspot-eu", "post-purchase", "003A");

    assertThat(Sampling.position("hubspot-eu", "post-ticket", "003A")).isNotEqualTo(base);
    assertThat(Sampling.position("salesforce", "post-purchase", "003A")).isNotEqualTo(base);
  }

  @Test
  void staysInsideZeroToOne() {
    for (int i = 0; i < 10_000; i++) {
      assertThat(Sampling.position("c", "t", Integer.toString(i))).isGreaterThanOrEqualTo(0).isLessThan(1);
    }
  }

  @Test
  void samplesEveryoneAtARateOfOne() {
    assertThat(Sampling.sampled(Math.nextDown(1.0), 1.0)).isTrue();
  }
}
