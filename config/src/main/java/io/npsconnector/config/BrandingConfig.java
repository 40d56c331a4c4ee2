package io.npsconnector.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * The company's logo and brand colour in the survey mail and on the survey pages ({@code branding}).
 *
 * @param logoUrl an https image (http only on loopback, for tests); alt text is the company's name
 * @param logoWidth the most width the logo takes, in CSS pixels; also its {@code width} attribute in mail
 * @param logoHeight the most height the logo takes, in CSS pixels; also its {@code height} attribute in mail
 * @param colour for buttons, score links and the header bar; text on it is picked to reach WCAG AA
 */
public record BrandingConfig(Optional<URI> logoUrl, int logoWidth, int logoHeight, Optional<BrandColour> colour) {
  public static final int DEFAULT_LOGO_WIDTH = 160;
  public static final int DEFAULT_LOGO_HEIGHT = 48;
  /** Nothing configured: the pages' and mail's own look, no logo. */
  public static final BrandingConfig NONE =
      new BrandingConfig(Optional.empty(), DEFAULT_LOGO_WIDTH, DEFAULT_LOGO_HEIGHT, Optional.empty());

  static BrandingConfig read(Section section) {
    Optional<URI> logo = section.parsed("logo-url", BrandingConfig::logoUrl);
    int width = section.integer("logo-width", 16, 600).orElse(DEFAULT_LOGO_WIDTH);
    int height = section.integer("logo-height", 16, 200).orElse(DEFAULT_LOGO_HEIGHT);
    for (String key : new String[] {"logo-width", "logo-height"}) {
      if (section.has(key) && !section.has("logo-url")) {
        section.problem(key, "sizes the logo, but no logo-url is given");
      }
    }
    Optional<BrandColour> colour = colour(section, "colour");
    Optional<BrandColour> color = colour(section, "color");
    if (colour.isPresent() && section.has("color")) {
      section.problem("color", "is the same setting as 'colour'; give only one of them");
    }
    section.finish();
    return new BrandingConfig(logo, width, height, colour.or(() -> color));
  }

  private static Optional<BrandColour> colour(Section section, String key) {
    if (section.isNull(key)) {
      section.problem(key, "is empty: in YAML an unquoted # starts a comment; write the colour in quotes, "
          + key + ": \"#0B5FFF\"");
      return Optional.empty();
    }
    return section.parsed(key, BrandColour::parse);
  }

  /** An absolute https URL with a host, or http on a loopback host (tests, a local preview). */
  static Section.Parsed<URI> logoUrl(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return Section.Parsed.error("is not a valid URL ('" + text + "'): " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      return Section.Parsed.error("must be an absolute https URL of an image, got '" + text + "'");
    }
    if (scheme.equals("http") && !loopback(uri.getHost())) {
      return Section.Parsed.error("must be https (mail clients and browsers block or flag plain http images; "
          + "http is allowed only on a loopback host for tests), got '" + text + "'");
    }
    if (uri.getFragment() != null) {
      return Section.Parsed.error("must not have a fragment, got '" + text + "'");
    }
    return Section.Parsed.of(uri);
  }

  private static boolean loopback(String host) {
    String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (name.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!name.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false; // a name other than localhost is never looked up here
    }
    try {
      return InetAddress.getByName(name).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /** The logo's origin ({@code https://cdn.example.com}), for a page's Content-Security-Policy. */
  public Optional<String> logoOrigin() {
    return logoUrl.map(uri -> uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority()
        .replaceFirst("^[^@]*@", ""));
  }
}
