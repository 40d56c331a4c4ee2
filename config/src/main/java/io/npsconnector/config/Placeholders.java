package io.npsconnector.config;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks the {name} placeholders of a text against those its key allows. */
final class Placeholders {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

  private Placeholders() {}

  static void check(Section section, String key, String text, List<String> allowed) {
    Matcher matcher = PLACEHOLDER.matcher(text);
    while (matcher.find()) {
      String name = matcher.group(1);
      if (!allowed.contains(name)) {
        section.problem(key, "unknown placeholder {" + name + "}" + Suggestions.didYouMean(name, allowed)
            + "; available: " + String.join(", ", allowed.stream().map(p -> "{" + p + "}").toList()));
      }
    }
  }
}
