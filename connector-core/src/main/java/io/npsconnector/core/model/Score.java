package io.npsconnector.core.model;

/**
 * An answer to "How likely are you to recommend us?": a whole number from 0 to 10.
 *
 * @param value from 0 to 10
 * @throws InvalidScoreException when {@code value} is outside 0-10
 */
public record Score(int value) {
  /** The lowest score. */
  public static final int MIN = 0;
  /** The highest score. */
  public static final int MAX = 10;

  public Score {
    if (value < MIN || value > MAX) {
      throw new InvalidScoreException("score must be a whole number from 0 to 10, got " + value);
    }
  }

  /** The score {@code value}; refuses values outside 0-10. */
  public static Score of(int value) {
    return new Score(value);
  }

  /**
   * Reads a score as written by a person or a file: ASCII digits only, surrounding white space ignored.
   * Fractions ({@code 7.5}, also {@code 7.0}), signs, other text and values outside 0-10 are refused.
   *
   * @throws InvalidScoreException naming the text refused
   */
  public static Score parse(String text) {
    String digits = text == null ? null : text.strip();
    if (digits == null || digits.isEmpty() || digits.length() > 3 || !isAsciiDigits(digits)) {
      throw refused(text);
    }
    int value = Integer.parseInt(digits);
    if (value > MAX) {
      throw refused(text);
    }
    return new Score(value);
  }

  /** Promoter, passive or detractor. */
  public Category category() {
    return Category.of(this);
  }

  private static boolean isAsciiDigits(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static InvalidScoreException refused(String text) {
    return new InvalidScoreException(
        "score must be a whole number from 0 to 10, got " + (text == null ? "null" : "'" + text + "'"));
  }
}
