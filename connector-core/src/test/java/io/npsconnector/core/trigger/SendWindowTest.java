package io.npsconnector.core.trigger;

import static io.npsconnector.core.trigger.TriggerFixtures.BERLIN;
import static io.npsconnector.core.trigger.TriggerFixtures.officeHours;
import static io.npsconnector.core.trigger.TriggerFixtures.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.npsconnector.config.SendWindowConfig;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SendWindowTest {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
  private static final SendWindow OFFICE_HOURS = SendWindow.of(officeHours());

  private static Instant at(String instant) {
    return Instant.parse(instant);
  }

  @Test
  void leavesAnAllowedInstantAlone() {
    // Wednesday 11:00 in Berlin
    assertThat(OFFICE_HOURS.next(at("2026-11-18T10:00:00Z"), BERLIN)).isEqualTo(at("2026-11-18T10:00:00Z"));
  }

  @Test
  void movesTheEveningToTheNextMorningWhenQuietHoursWrapMidnight() {
    // Wednesday 21:30 in Berlin -> Thursday 09:00
    assertThat(OFFICE_HOURS.next(at("2026-11-18T20:30:00Z"), BERLIN)).isEqualTo(at("2026-11-19T08:00:00Z"));
  }

  @Test
  void movesTheSmallHoursToNineTheSameMorning() {
    // Thursday 06:00 in Berlin -> 09:00
    assertThat(OFFICE_HOURS.next(at("2026-11-19T05:00:00Z"), BERLIN)).isEqualTo(at("2026-11-19T08:00:00Z"));
  }

  @Test
  void endOfQuietHoursIsAllowedAndTheirStartIsNot() {
    assertThat(OFFICE_HOURS.allows(at("2026-11-19T08:00:00Z"), BERLIN)).isTrue(); // 09:00
    assertThat(OFFICE_HOURS.allows(at("2026-11-19T07:59:59Z"), BERLIN)).isFalse(); // 08:59:59
    assertThat(OFFICE_HOURS.allows(at("2026-11-19T18:59:00Z"), BERLIN)).isTrue(); // 19:59
    assertThat(OFFICE_HOURS.allows(at("2026-11-19T19:00:00Z"), BERLIN)).isFalse(); // 20:00
  }

  @Test
  void movesToTheEndOfQuietHoursThatDoNotWrap() {
    SendWindow noLunchMail = SendWindow.of(window("12:00", "14:00"));

    assertThat(noLunchMail.next(at("2026-11-19T12:00:00Z"), BERLIN)).isEqualTo(at("2026-11-19T13:00:00Z"));
    assertThat(noLunchMail.next(at("2026-11-19T13:00:00Z"), BERLIN)).isEqualTo(at("2026-11-19T13:00:00Z"));
  }

  @Test
  void skipsTheWeekend() {
    // Friday 21:00 and Saturday 12:00 in Berlin -> Monday 09:00
    assertThat(OFFICE_HOURS.next(at("2026-11-20T20:00:00Z"), BERLIN)).isEqualTo(at("2026-11-23T08:00:00Z"));
    assertThat(OFFICE_HOURS.next(at("2026-11-21T11:00:00Z"), BERLIN)).isEqualTo(at("2026-11-23T08:00:00Z"));
  }

  @Test
  void appliesOnlyWeekdaysWithoutQuietHours() {
    SendWindow weekdaysOnly = SendWindow.of(new SendWindowConfig(Optional.empty(), SendWindowConfig.DEFAULT_WEEKDAYS));

    // Wednesday 03:00 stays; Saturday 15:00 -> Monday 00:00 in Berlin
    assertThat(weekdaysOnly.next(at("2026-11-18T02:00:00Z"), BERLIN)).isEqualTo(at("2026-11-18T02:00:00Z"));
    assertThat(weekdaysOnly.next(at("2026-11-21T14:00:00Z"), BERLIN)).isEqualTo(at("2026-11-22T23:00:00Z"));
  }

  @Test
  void readsTheWindowInEachContactsOwnTimeZone() {
    Instant noonUtc = at("2026-11-18T12:00:00Z");

    // 21:00 in Tokyo -> Thursday 09:00 JST; 07:00 in New York -> 09:00 EST the same day
    assertThat(OFFICE_HOURS.next(noonUtc, TOKYO)).isEqualTo(at("2026-11-19T00:00:00Z"));
    assertThat(OFFICE_HOURS.next(noonUtc, NEW_YORK)).isEqualTo(at("2026-11-18T14:00:00Z"));
  }

  @Test
  void refusesAWindowWithoutWeekdays() {
    assertThatThrownBy(() -> SendWindow.of(new SendWindowConfig(Optional.empty(), EnumSet.noneOf(DayOfWeek.class))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a send window needs at least one weekday, got none");
  }

  @Nested
  class DaylightSaving {
    @Test
    void opensAtTheEndOfTheGapWhenBerlinSpringsForward() {
      // 2026-03-29 02:00 CET -> 03:00 CEST; quiet hours end at 02:30, which does not exist that night
      SendWindow window = SendWindow.of(window("20:00", "02:30"));

      // Saturday 21:00 CET -> Sunday 03:00 CEST
      assertThat(window.next(at("2026-03-28T20:00:00Z"), BERLIN)).isEqualTo(at("2026-03-29T01:00:00Z"));
    }

    @Test
    void opensAtNineSummerTimeTheMorningAfterBerlinSpringsForward() {
      SendWindow window = SendWindow.of(window("20:00", "09:00"));

      // Saturday 21:00 CET -> Sunday 09:00 CEST, one hour earlier in UTC than the day before
      assertThat(window.next(at("2026-03-28T20:00:00Z"), BERLIN)).isEqualTo(at("2026-03-29T07:00:00Z"));
      assertThat(window.next(at("2026-03-27T20:00:00Z"), BERLIN)).isEqualTo(at("2026-03-28T08:00:00Z"));
    }

    @Test
    void opensAtTheEarlierOffsetWhenBerlinFallsBack() {
      // 2026-10-25 03:00 CEST -> 02:00 CET; 02:30 happens twice, first at +02:00
      SendWindow window = SendWindow.of(window("20:00", "02:30"));

      // Saturday 21:00 CEST -> Sunday 02:30 CEST
      assertThat(window.next(at("2026-10-24T19:00:00Z"), BERLIN)).isEqualTo(at("2026-10-25T00:30:00Z"));
    }

    @Test
    void neverMovesBackInTimeDuringTheRepeatedHour() {
      SendWindow window = SendWindow.of(window("20:00", "02:30"));

      // 02:10 CET, the second time round: quiet until 02:30 CET, not back to 02:30 CEST
      assertThat(window.next(at("2026-10-25T01:10:00Z"), BERLIN)).isEqualTo(at("2026-10-25T01:30:00Z"));
      // 02:45 CEST, the first time round, is already past the quiet hours
      assertThat(window.next(at("2026-10-25T00:45:00Z"), BERLIN)).isEqualTo(at("2026-10-25T00:45:00Z"));
    }

    @Test
    void opensAtNineWinterTimeTheMorningAfterBerlinFallsBack() {
      SendWindow window = SendWindow.of(window("20:00", "09:00"));

      // Saturday 21:00 CEST -> Sunday 09:00 CET
      assertThat(window.next(at("2026-10-24T19:00:00Z"), BERLIN)).isEqualTo(at("2026-10-25T08:00:00Z"));
    }

    @Test
    void opensAtTheEndOfTheGapWhenNewYorkSpringsForward() {
      // 2026-03-08 02:00 EST -> 03:00 EDT
      SendWindow window = SendWindow.of(window("20:00", "02:30"));

      // Saturday 21:00 EST -> Sunday 03:00 EDT
      assertThat(window.next(at("2026-03-08T02:00:00Z"), NEW_YORK)).isEqualTo(at("2026-03-08T07:00:00Z"));
      // a window opening exactly at the start of the gap opens at its end as well
      assertThat(SendWindow.of(window("20:00", "02:00")).next(at("2026-03-08T02:00:00Z"), NEW_YORK))
          .isEqualTo(at("2026-03-08T07:00:00Z"));
    }

    @Test
    void opensAtTheEarlierOffsetWhenNewYorkFallsBack() {
      // 2026-11-01 02:00 EDT -> 01:00 EST; 01:30 happens twice, first at -04:00
      SendWindow window = SendWindow.of(window("20:00", "01:30"));

      // Saturday 21:00 EDT -> Sunday 01:30 EDT
      assertThat(window.next(at("2026-11-01T01:00:00Z"), NEW_YORK)).isEqualTo(at("2026-11-01T05:30:00Z"));
    }

    @Test
    void opensAtNineOnBothSidesOfNewYorksTransitions() {
      SendWindow window = SendWindow.of(window("20:00", "09:00"));

      assertThat(window.next(at("2026-03-08T02:00:00Z"), NEW_YORK)).isEqualTo(at("2026-03-08T13:00:00Z"));
      assertThat(window.next(at("2026-11-01T01:00:00Z"), NEW_YORK)).isEqualTo(at("2026-11-01T14:00:00Z"));
    }

    @Test
    void skipsToMondayAcrossTheTransitionWeekend() {
      // Friday 2026-10-23 21:00 CEST -> Monday 2026-10-26 09:00 CET
      assertThat(OFFICE_HOURS.next(at("2026-10-23T19:00:00Z"), BERLIN)).isEqualTo(at("2026-10-26T08:00:00Z"));
    }
  }
}
