package io.npsconnector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** WCAG 2.x contrast, against the values WCAG and its understanding documents give, and AA text on any colour. */
class BrandColourTest {
  private static BrandColour colour(String hex) {
    return BrandColour.parse(hex).value();
  }

  @ParameterizedTest
  @CsvSource({
      "#FFFFFF, #000000, 21.0",     // the maximum
      "#FFFFFF, #FFFFFF, 1.0",      // the minimum
      "#FFFFFF, #767676, 4.54",     // the lightest grey that passes AA on white
      "#FFFFFF, #777777, 4.48",     // one step lighter fails
      "#FFFFFF, #595959, 7.0",      // AAA grey
      "#FFFFFF, #FF0000, 4.0",      // pure red on white
      "#000000, #0000FF, 2.44",     // pure blue under black
      "#FFFF00, #FFFFFF, 1.07"})    // yellow on white
  void contrastRatiosMatchWcagsExamples(String first, String second, double ratio) {
    assertThat(BrandColour.contrast(colour(first), colour(second))).isCloseTo(ratio, within(0.01));
    assertThat(BrandColour.contrast(colour(second), colour(first))).isCloseTo(ratio, within(0.01));
  }

  @Test
  void luminanceRunsFromBlackToWhite() {
    assertThat(BrandColour.BLACK.luminance()).isZero();
    assertThat(BrandColour.WHITE.luminance()).isCloseTo(1.0, within(1e-9));
    assertThat(colour("#808080").luminance()).isCloseTo(0.2159, within(0.0001));
  }

  @ParameterizedTest
  @CsvSource({
      "#0B5FFF, #FFFFFF", // mid blue: white text
      "#FFFF00, #111827", // yellow: dark text
      "#D3D3D3, #111827", // light grey: dark text
      "#FFD700, #111827", // gold
      "#1F4FD1, #FFFFFF",
      "#000000, #FFFFFF",
      "#FFFFFF, #111827"})
  void picksTheTextColourOnTheBrandColour(String brand, String text) {
    assertThat(colour(brand).textOn()).isEqualTo(colour(text));
  }

  @Test
  void textOnEveryColourReachesAaAndBrandTextOnWhiteToo() {
    List<String> failures = new ArrayList<>();
    for (int r = 0; r <= 255; r += 15) {
      for (int g = 0; g <= 255; g += 15) {
        for (int b = 0; b <= 255; b += 15) {
          BrandColour brand = new BrandColour(r << 16 | g << 8 | b);
          if (BrandColour.contrast(brand.textOn(), brand) < BrandColour.AA) {
            failures.add(brand + " with text " + brand.textOn());
          }
          if (BrandColour.contrast(brand.onWhite(), BrandColour.WHITE) < BrandColour.AA) {
            failures.add(brand + " as text on white " + brand.onWhite());
          }
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void aColourTooLightForTextOnWhiteIsDarkenedKeepingItsHueAndADarkOneIsKept() {
    BrandColour yellow = colour("#FFFF00");
    assertThat(yellow.tooLightForText()).isTrue();
    BrandColour darker = yellow.onWhite();
    assertThat(BrandColour.contrast(darker, BrandColour.WHITE)).isGreaterThanOrEqualTo(4.5);
    assertThat(darker.rgb() & 0xFF).isZero(); // still yellow: red and green alike, no blue
    assertThat(darker.rgb() >> 16).isEqualTo(darker.rgb() >> 8 & 0xFF);
    // not darker than needed: one percent lighter fails
    assertThat(colour("#0B5FFF").onWhite()).isEqualTo(colour("#0B5FFF"));
    assertThat(colour("#0B5FFF").tooLightForText()).isFalse();
  }

  @Test
  void readsShortAndLongHexAndExplainsWhatItRefuses() {
    assertThat(colour("#0bf")).isEqualTo(colour("#00BBFF"));
    assertThat(colour("#0b5fff").hex()).isEqualTo("#0B5FFF");
    assertThat(BrandColour.parse("blue").error()).contains("#RGB or #RRGGBB").contains("'blue'");
    assertThat(BrandColour.parse("0B5FFF").error()).contains("\"#0B5FFF\"");
    assertThat(BrandColour.parse("#12345").error()).contains("'#12345'");
  }
}
