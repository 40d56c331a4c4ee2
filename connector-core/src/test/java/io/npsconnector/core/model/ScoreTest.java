package io.npsconnector.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScoreTest {
  @Test
  void acceptsEveryWholeNumberFromZeroToTen() {
    for (int value = 0; value <= 10; value++) {
      assertThat(Score.of(value).value()).isEqualTo(value);
      assertThat(Score.parse(Integer.toString(value))).isEqualTo(Score.of(value));
    }
  }

  @Test
  void parseIgnoresSurroundingWhiteSpace() {
    assertThat(Score.parse(" 9 ")).isEqualTo(Score.of(9));
    assertThat(Score.parse("\t10\r\n")).isEqualTo(Score.of(10));
  }

  @Test
  void parseReadsLeadingZerosAsTheWholeNumber() {
    assertThat(Score.parse("07")).isEqualTo(Score.of(7));
    assertThat(Score.parse("010")).isEqualTo(Score.of(10));
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 11, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void refusesOutOfRangeValue(int value) {
    assertThatThrownBy(() -> Score.of(value))
        .isInstanceOf(InvalidScoreException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("score must be a whole number from 0 to 10, got " + value);
  }

  @Test
  void refusesFractionalScore() {
    assertRefused("7.5");
  }

  @Test
  void refusesFractionalScoreEvenWhenItsFractionIsZero() {
    assertRefused("7.0");
    assertRefused("10.");
    assertRefused(".5");
  }

  @Test
  void refusesDecimalCommaScore() {
    assertRefused("7,5");
  }

  @Test
  void refusesNonNumericScore() {
    assertRefused("abc");
    assertRefused("seven");
    assertRefused("7a");
    assertRefused("1e1");
    assertRefused("0x7");
  }

  @Test
  void refusesEmptyAndBlankScore() {
    assertRefused("");
    assertRefused("   ");
  }

  @Test
  void refusesOutOfRangeText() {
    assertRefused("11");
    assertRefused("-1");
    assertRefused("100");
    assertRefused("99999999999999999999");
  }

  @Test
  void refusesSignedScore() {
    assertRefused("+7");
    assertRefused("-0");
  }

  @Test
  void refusesNonAsciiDigits() {
    assertRefused("\u0667"); // ARABIC-INDIC DIGIT SEVEN
    assertRefused("\uFF17"); // FULLWIDTH DIGIT SEVEN
  }

  @Test
  void refusesDigitsSeparatedBySpace() {
    assertRefused("1 0");
  }

  @Test
  void refusesNullWithAClearMessage() {
    assertThatThrownBy(() -> Score.parse(null))
        .isInstanceOf(InvalidScoreException.class)
        .hasMessage("score must be a whole number from 0 to 10, got null");
  }

  @Test
  void messageShowsTheTextAsWrittenIncludingWhiteSpace() {
    assertThatThrownBy(() -> Score.parse(" 7.5 "))
        .hasMessage("score must be a whole number from 0 to 10, got ' 7.5 '");
  }

  @Test
  void knowsItsCategory() {
    assertThat(Score.of(9).category()).isEqualTo(Category.PROMOTER);
  }

  private static void assertRefused(String text) {
    assertThatThrownBy(() -> Score.parse(text))
        .as("Score.parse(\"%s\")", text)
        .isInstanceOf(InvalidScoreException.class)
        .hasMessage("score must be a whole number from 0 to 10, got '" + text + "'");
  }
}
