package io.npsconnector.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads YAML text into a {@link ConfigNode} tree that remembers lines. Scalars are kept as written,
 * so that YAML 1.1 surprises ({@code 09:00} as a number, {@code no} as false) never happen: each key
 * decides how to read its own value.
 */
final class YamlTreeReader {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  private YamlTreeReader() {}

  /** Returns the root node, or empty after recording a syntax problem. */
  static Optional<ConfigNode> read(String yaml, Problems problems) {
    try (JsonParser parser = FACTORY.createParser(yaml)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        problems.add(1, "", "the file is empty; it needs at least 'company' and 'connections'");
        return Optional.empty();
      }
      ConfigNode root = readValue(parser, problems);
      if (parser.nextToken() != null) {
        problems.add(line(parser.currentTokenLocation()), "", "only one YAML document is allowed per file");
      }
      return Optional.of(root);
    } catch (JsonProcessingException e) {
      problems.add(line(e.getLocation()), "", "YAML syntax error: " + firstLine(e.getOriginalMessage()));
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ConfigNode readValue(JsonParser parser, Problems problems) throws IOException {
    int line = line(parser.currentTokenLocation());
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT:
        Map<String, ConfigNode.Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          int keyLine = line(parser.currentTokenLocation());
          parser.nextToken();
          ConfigNode value = readValue(parser, problems);
          if (entries.containsKey(key)) {
            problems.add(keyLine, key, "duplicate key '" + key + "' (first at line " + entries.get(key).keyLine() + ")");
          } else {
            entries.put(key, new ConfigNode.Entry(key, keyLine, value));
          }
        }
        return new ConfigNode.Mapping(line, entries);
      case START_ARRAY:
        List<ConfigNode> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          items.add(readValue(parser, problems));
        }
        return new ConfigNode.Sequence(line, items);
      case VALUE_NULL:
        return new ConfigNode.Scalar(line, null);
      default:
        return new ConfigNode.Scalar(line, parser.getText());
    }
  }

  private static int line(JsonLocation location) {
    return location == null ? 1 : Math.max(1, location.getLineNr());
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable YAML";
    }
    // SnakeYAML's message: context and problem lines, each followed by an indented "in 'reader'" line,
    // a snippet of the file and a caret; the snippet is dropped, since it may hold a secret
    return message.lines()
        .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("at [Source"))
        .map(String::strip)
        .reduce((a, b) -> a + ", " + b).orElse("unreadable YAML");
  }
}
