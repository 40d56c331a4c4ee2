package io.npsconnector.app.web;

import java.util.Locale;
import java.util.Optional;

import io.npsconnector.config.BrandColour;
import io.npsconnector.config.BrandingConfig;

/**
 * How the survey pages look beyond {@code survey.css}: the configured logo (alt text the company's name, within
 * its configured box) and brand colour ({@code brand.css}, CSS custom properties that {@code survey.css} reads), a
 * notice above the page (a test page says it stores nothing), and where the style sheets are ({@code /assets/} on
 * the server, {@code assets/} beside a preview's files).
 *
 * @param assets the path before {@code survey.css}, {@code brand.css} and {@code favicon.svg}
 */
record PageLook(String assets, Optional<String> logoUrl, int logoWidth, int logoHeight, String alt,
    Optional<BrandColour> colour, Optional<String> notice) {
  static final String SERVER_ASSETS = "/assets/";
  /** The look of pages without branding (the dashboard's, error pages before the invitation is known). */
  static final PageLook PLAIN = new PageLook(SERVER_ASSETS, Optional.empty(), 0, 0, "", Optional.empty(),
      Optional.empty());

  static PageLook of(BrandingConfig branding, String company) {
    return new PageLook(SERVER_ASSETS, branding.logoUrl().map(Object::toString), branding.logoWidth(),
        branding.logoHeight(), company, branding.colour(), Optional.empty());
  }

  /** Whether the pages link {@code brand.css}. */
  boolean branded() {
    return colour.isPresent() || logoUrl.isPresent();
  }

  PageLook withNotice(String text) {
    return new PageLook(assets, logoUrl, logoWidth, logoHeight, alt, colour, Optional.of(text));
  }

  PageLook withAssets(String path) {
    return new PageLook(path, logoUrl, logoWidth, logoHeight, alt, colour, notice);
  }

  /**
   * {@code brand.css}: the brand colour ({@code --brand}), the text on it ({@code --on-brand}, WCAG AA), the colour
   * as text on white ({@code --brand-text}, darkened when needed to reach AA) and the logo's box.
   */
  String css() {
    StringBuilder css = new StringBuilder("/* The configured branding (branding in the configuration). */\n:root {");
    colour.ifPresent(brand -> css.append(String.format(Locale.ROOT,
        " --brand: %s; --on-brand: %s; --brand-text: %s;", brand.hex(), brand.textOn().hex(), brand.onWhite().hex())));
    if (logoUrl.isPresent()) {
      css.append(String.format(Locale.ROOT, " --logo-width: %dpx; --logo-height: %dpx;", logoWidth, logoHeight));
    }
    css.append(" }\n");
    if (colour.isPresent()) {
      css.append(".card { border-top: 6px solid var(--brand); }\n.card a { color: var(--brand-text); }\n");
    }
    return css.toString();
  }
}
