package io.npsconnector.core.delivery.email;

import io.npsconnector.config.BrandColour;
import io.npsconnector.config.BrandingConfig;
import java.util.Optional;

/**
 * The brand in the mail's HTML: the logo (its alt text the company's name, its size bounded by the configured box)
 * and the brand colour as the header bar and the score links' background, with text on it that reaches WCAG AA and
 * a border dark enough to be seen on white. Without a colour the score links keep the neutral look.
 */
record MailBrand(Optional<String> logoUrl, int logoWidth, int logoHeight, String alt, Optional<BrandColour> colour) {
  private static final String SCORE = "display:block;padding:10px 0;border-radius:4px;font-family:Arial,Helvetica,"
      + "sans-serif;font-size:16px;line-height:20px;font-weight:bold;text-decoration:none;text-align:center;";

  static MailBrand of(BrandingConfig branding, String company) {
    return new MailBrand(branding.logoUrl().map(Object::toString), branding.logoWidth(), branding.logoHeight(),
        company, branding.colour());
  }

  /** The logo's inline style: its own proportions within the configured box where CSS is read. */
  String logoStyle() {
    return "display:block;border:0;outline:none;text-decoration:none;width:auto;height:auto;max-width:"
        + logoWidth + "px;max-height:" + logoHeight + "px;";
  }

  /** The header bar's colour, when there is a brand colour. */
  Optional<String> bar() {
    return colour.map(BrandColour::hex);
  }

  /** One score link's inline style. */
  String scoreStyle() {
    return colour.map(brand -> SCORE + "border:1px solid " + brand.onWhite().hex() + ";background-color:"
        + brand.hex() + ";color:" + brand.textOn().hex() + ";")
        .orElse(SCORE + "border:1px solid #d1d5db;background-color:#f9fafb;color:#111827;");
  }
}
