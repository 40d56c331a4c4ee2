package io.npsconnector.core.testing;

import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * First names that look like placeholders or markup, each with how an HTML output shows it: for tests that a
 * value comes out literally everywhere
 * ({@code @MethodSource("io.npsconnector.core.testing.LiteralNames#firstNames")}).
 */
public final class LiteralNames {
  private LiteralNames() {}

  /** (first name, the same escaped for HTML). */
  public static Stream<Arguments> firstNames() {
    return Stream.of(
        Arguments.of("{comment}", "{comment}"),
        Arguments.of("{{score}}", "{{score}}"),
        Arguments.of("${score}", "${score}"),
        Arguments.of("{company}", "{company}"),
        Arguments.of("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        Arguments.of("Tom & 'Jerry'", "Tom &amp; &#39;Jerry&#39;"));
  }
}
