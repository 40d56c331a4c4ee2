package io.npsconnector.config;

import java.util.List;
import java.util.Map;

/** A YAML value with the line it starts on, so that every problem can point at its line. */
sealed interface ConfigNode {
  int line();

  /** A human name for the node's kind, used in "must be a mapping, got a list" messages. */
  String kind();

  /** A mapping; keys keep their own line for "unknown key" problems. */
  record Mapping(int line, Map<String, Entry> entries) implements ConfigNode {
    public Mapping {
      entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
    }

    @Override
    public String kind() {
      return "a mapping";
    }
  }

  /** One key of a mapping. */
  record Entry(String key, int keyLine, ConfigNode value) {}

  /** A sequence. */
  record Sequence(int line, List<ConfigNode> items) implements ConfigNode {
    public Sequence {
      items = List.copyOf(items);
    }

    @Override
    public String kind() {
      return "a list";
    }
  }

  /** A scalar as written in the file; {@code text} is null for YAML null ({@code ~}, {@code null}, empty). */
  record Scalar(int line, String text) implements ConfigNode {
    boolean isNull() {
      return text == null;
    }

    @Override
    public String kind() {
      return isNull() ? "nothing (null)" : "a single value";
    }
  }
}
