package io.npsconnector.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A colour of the company's brand, {@code #RRGGBB}, with the WCAG 2.x arithmetic that keeps text readable on it
 * and in it: {@link #luminance() relative luminance}, {@link #contrast contrast ratio}, the text colour that
 * reaches AA (4.5:1) on the colour ({@link #textOn()}), and the colour made dark enough to be text on white
 * ({@link #onWhite()}).
 *
 * @param rgb the colour as 0xRRGGBB
 */
public record BrandColour(int rgb) {
  /** WCAG 2.x level AA for normal text. */
  public static final double AA = 4.5;
  public static final BrandColour WHITE = new BrandColour(0xFFFFFF);
  public static final BrandColour BLACK = new BrandColour(0x000000);
  /** The dark text colour used on light brand colours when it reaches AA, else black. */
  public static final BrandColour NEAR_BLACK = new BrandColour(0x111827);
  private static final Pattern HEX = Pattern.compile("#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})");

  public BrandColour {
    if (rgb < 0 || rgb > 0xFFFFFF) {
      throw new IllegalArgumentException("not an RGB colour: " + Integer.toHexString(rgb));
    }
  }

  /** {@code #RGB} or {@code #RRGGBB}, either case. */
  public static Section.Parsed<BrandColour> parse(String text) {
    String value = text.strip();
    if (!HEX.matcher(value).matches()) {
      String hint = value.matches("[0-9a-fA-F]{3}|[0-9a-fA-F]{6}") ? " (write it with '#' and in quotes: \"#"
          + value + "\")" : "";
      return Section.Parsed.error("must be a colour as #RGB or #RRGGBB, such as \"#0B5FFF\", got '" + text + "'"
          + hint);
    }
    String digits = value.substring(1);
    if (digits.length() == 3) {
      digits = "" + digits.charAt(0) + digits.charAt(0) + digits.charAt(1) + digits.charAt(1) + digits.charAt(2)
          + digits.charAt(2);
    }
    return Section.Parsed.of(new BrandColour(Integer.parseInt(digits, 16)));
  }

  /** {@code #RRGGBB} in upper case. */
  public String hex() {
    return String.format(Locale.ROOT, "#%06X", rgb);
  }

  /** WCAG 2.x relative luminance: 0 for black, 1 for white. */
  public double luminance() {
    return 0.2126 * linear(rgb >> 16) + 0.7152 * linear(rgb >> 8) + 0.0722 * linear(rgb);
  }

  /** The WCAG 2.x contrast ratio of two colours, 1 to 21, whichever is lighter. */
  public static double contrast(BrandColour a, BrandColour b) {
    double first = a.luminance() + 0.05;
    double second = b.luminance() + 0.05;
    return Math.max(first, second) / Math.min(first, second);
  }

  /**
   * The text colour on this colour: white when white reads at least as well as black (and reaches AA), else
   * {@link #NEAR_BLACK} if it reaches AA, else black. Every colour has white or black at 4.58:1 or more, so the
   * result always reaches {@link #AA}.
   */
  public BrandColour textOn() {
    if (contrast(WHITE, this) >= contrast(BLACK, this) && contrast(WHITE, this) >= AA) {
      return WHITE;
    }
    return contrast(NEAR_BLACK, this) >= AA ? NEAR_BLACK : BLACK;
  }

  /**
   * This colour as text (links) on white: itself when it reaches {@link #AA} there, else darkened (its red, green
   * and blue scaled down together, so the hue stays) until it does.
   */
  public BrandColour onWhite() {
    if (contrast(this, WHITE) >= AA) {
      return this;
    }
    int red = rgb >> 16 & 0xFF;
    int green = rgb >> 8 & 0xFF;
    int blue = rgb & 0xFF;
    for (int percent = 99; percent >= 0; percent--) {
      BrandColour darker = new BrandColour(scale(red, percent) << 16 | scale(green, percent) << 8
          | scale(blue, percent));
      if (contrast(darker, WHITE) >= AA) {
        return darker;
      }
    }
    return BLACK;
  }

  /** Whether {@link #onWhite()} had to darken this colour. */
  public boolean tooLightForText() {
    return contrast(this, WHITE) < AA;
  }

  private static int scale(int channel, int percent) {
    return channel * percent / 100;
  }

  private static double linear(int channel) {
    double value = (channel & 0xFF) / 255.0;
    return value <= 0.04045 ? value / 12.92 : Math.pow((value + 0.055) / 1.055, 2.4);
  }

  @Override
  public String toString() {
    return hex();
  }
}
