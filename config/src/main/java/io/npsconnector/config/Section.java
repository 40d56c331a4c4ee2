package io.npsconnector.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cursor over one YAML mapping. Every accessor records its key as known; {@link #finish()} then
 * reports the keys nobody asked for, with a suggestion. Accessors never throw on bad input: they
 * record a problem (with the value's line and path) and return empty, so a whole file is checked in
 * one pass.
 *
 * <p>Adapter modules read their own settings through this class ({@link ConnectionType#readSettings}), so
 * that their problems print like every other: {@code FILE:LINE: path: message}, with "did you mean".
 *
 * <p>A recording section ({@link #recording}) has nothing to read: its accessors note each key and the kind of
 * value asked for, which is how {@link ConfigSchema} learns the keys from the readers themselves. There every key
 * is present, every value absent, and a choice ({@link #oneOf}) takes each allowed value in turn over the passes.
 */
public final class Section {
  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final ConfigNode.Mapping node;
  private final String path;
  private final Problems problems;
  private final Map<String, String> env;
  /** Whether a secret whose variable is not set is read as {@link Secret#unset} rather than a problem. */
  private final boolean unsetSecretsAllowed;
  private final Set<String> known = new LinkedHashSet<>();
  private final ConfigSchema.Shape recorded; // null unless recording
  private final ConfigSchema.Choices choices; // null unless recording

  private Section(ConfigNode.Mapping node, String path, Problems problems, Map<String, String> env,
      boolean unsetSecretsAllowed, ConfigSchema.Shape recorded, ConfigSchema.Choices choices) {
    this.node = node;
    this.path = path;
    this.problems = problems;
    this.env = env;
    this.unsetSecretsAllowed = unsetSecretsAllowed;
    this.recorded = recorded;
    this.choices = choices;
  }

  private Section(ConfigNode.Mapping node, String path, Problems problems, Map<String, String> env,
      boolean unsetSecretsAllowed) {
    this(node, path, problems, env, unsetSecretsAllowed, null, null);
  }

  static Section root(ConfigNode.Mapping node, Problems problems, Map<String, String> env) {
    return root(node, problems, env, false);
  }

  static Section root(ConfigNode.Mapping node, Problems problems, Map<String, String> env,
      boolean unsetSecretsAllowed) {
    return new Section(node, "", problems, env, unsetSecretsAllowed);
  }

  /** A section that reads nothing and records into {@code shape} what it is asked for, choosing by {@code choices}. */
  static Section recording(ConfigSchema.Shape shape, ConfigSchema.Choices choices) {
    return new Section(new ConfigNode.Mapping(0, Map.of()), "", new Problems("schema"), Map.of(), false, shape,
        choices);
  }

  /** A recording child of this recording section. */
  private Section child(String childPath, ConfigSchema.Shape shape) {
    return new Section(new ConfigNode.Mapping(0, Map.of()), childPath, problems, env, unsetSecretsAllowed, shape,
        choices);
  }

  private Optional<ConfigSchema.Property> record(String key) {
    return recorded == null ? Optional.empty() : Optional.of(recorded.property(key));
  }

  /**
   * This section as the part of the file that a value of {@code key} reads, such as the settings of one connection
   * type: the section itself when reading; when recording, the keys asked for there count for that value only.
   */
  public Section variant(String key, String value) {
    return recorded == null ? this
        : new Section(node, path, problems, env, unsetSecretsAllowed, recorded.variant(key, value), choices);
  }

  public String path() {
    return path;
  }

  public int line() {
    return node.line();
  }

  public String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public boolean has(String key) {
    known.add(key);
    if (recorded != null) {
      recorded.property(key);
      return true;
    }
    ConfigNode.Entry entry = node.entries().get(key);
    return entry != null && !(entry.value() instanceof ConfigNode.Scalar scalar && scalar.isNull());
  }

  /** Whether {@code key} is written with no value at all ({@code key:} or {@code key: ~}); counts it as known. */
  public boolean isNull(String key) {
    known.add(key);
    ConfigNode.Entry entry = recorded != null ? null : node.entries().get(key);
    return entry != null && entry.value() instanceof ConfigNode.Scalar scalar && scalar.isNull();
  }

  /** Records a problem about {@code key}, at its value's line (the mapping's line when absent). */
  public void problem(String key, String message) {
    ConfigNode.Entry entry = node.entries().get(key);
    problems.add(entry == null ? node.line() : entry.value().line(), pathOf(key), message);
  }

  /** Records a problem about this section as a whole. */
  public void problem(String message) {
    problems.add(node.line(), path, message);
  }

  // ---- scalars ----------------------------------------------------------------------------------

  public Optional<String> text(String key) {
    record(key).ifPresent(ConfigSchema.Property::text);
    return scalar(key).flatMap(scalar -> resolve(key, scalar.text(), false));
  }

  public String text(String key, String defaultValue) {
    return text(key).orElse(defaultValue);
  }

  public Optional<String> requiredText(String key) {
    if (!has(key)) {
      problem(key, "is required");
      return Optional.empty();
    }
    return text(key).filter(value -> {
      if (value.isBlank()) {
        problem(key, "must not be blank");
        return false;
      }
      return true;
    });
  }

  /** A value checked by {@code parser}, which returns empty and the reason through {@code Parsed}. */
  public <T> Optional<T> parsed(String key, Function<String, Parsed<T>> parser) {
    return text(key).flatMap(text -> {
      Parsed<T> parsed = parser.apply(text.strip());
      if (parsed.error() != null) {
        problem(key, parsed.error());
        return Optional.empty();
      }
      return Optional.of(parsed.value());
    });
  }

  public Optional<Integer> integer(String key, int min, int max) {
    record(key).ifPresent(property -> property.integer(min, max));
    return parsed(key, text -> {
      int value;
      try {
        value = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        return Parsed.error("must be a whole number, got '" + text + "'");
      }
      if (value < min || value > max) {
        return Parsed.error("must be between " + min + " and " + max + ", got " + value);
      }
      return Parsed.of(value);
    });
  }

  public Optional<Boolean> bool(String key) {
    record(key).ifPresent(ConfigSchema.Property::bool);
    return parsed(key, text -> switch (text) {
      case "true", "True", "TRUE" -> Parsed.of(true);
      case "false", "False", "FALSE" -> Parsed.of(false);
      default -> Parsed.error("must be true or false, got '" + text + "'");
    });
  }

  public Optional<Duration> duration(String key, Duration min) {
    record(key).ifPresent(ConfigSchema.Property::duration);
    return parsed(key, text -> {
      Optional<Duration> duration = Durations.parse(text);
      if (duration.isEmpty()) {
        return Parsed.error("invalid duration '" + text + "'; write ISO-8601 such as P3D or PT12H, "
            + "or a number and a unit: 30m, 12h, 3d, 2w");
      }
      if (duration.get().compareTo(min) < 0) {
        return Parsed.error("must be at least " + Durations.format(min) + ", got '" + text + "'");
      }
      return duration.map(Parsed::of).orElseThrow();
    });
  }

  /** An absolute http(s) URL without query or fragment. */
  public Optional<java.net.URI> url(String key) {
    record(key).ifPresent(ConfigSchema.Property::url);
    return parsed(key, Urls::httpUrl);
  }

  /** One of {@code allowed}; anything else is a problem that lists them and suggests the nearest. */
  public Optional<String> oneOf(String key, String what, List<String> allowed) {
    Optional<String> explored = explored(key, allowed);
    if (recorded != null) {
      return explored;
    }
    return parsed(key, text -> allowed.contains(text)
        ? Parsed.of(text)
        : Parsed.error("unknown " + what + " '" + text + "'" + Suggestions.didYouMean(text, allowed)
            + "; expected one of " + String.join(", ", allowed)));
  }

  /**
   * A secret: the value must be an environment reference ({@code ${NAME}} or {@code ${NAME:-default}}),
   * and no message ever shows what it resolved to.
   */
  public Optional<Secret> secret(String key) {
    record(key).ifPresent(ConfigSchema.Property::secret);
    Optional<ConfigNode.Scalar> scalar = scalar(key);
    if (scalar.isEmpty()) {
      return Optional.empty();
    }
    String written = scalar.get().text();
    if (!written.contains("${")) {
      problem(key, "must be an environment reference such as ${" + suggestedVariable(key)
          + "}; secrets are never written into the configuration file");
      return Optional.empty();
    }
    if (unsetSecretsAllowed && referencesUnsetVariable(written)) {
      return Optional.of(Secret.unset(written.strip()));
    }
    return resolve(key, written, true).flatMap(value -> {
      if (value.isEmpty()) {
        problem(key, "resolves to an empty value (" + written.strip() + ")");
        return Optional.empty();
      }
      return Optional.of(new Secret(written.strip(), value));
    });
  }

  public Optional<Secret> requiredSecret(String key) {
    if (!has(key)) {
      problem(key, "is required (an environment reference such as ${" + suggestedVariable(key) + "})");
      return Optional.empty();
    }
    return secret(key);
  }

  // ---- structure --------------------------------------------------------------------------------

  /** The child mapping at {@code key}; an absent key gives an empty mapping at this section's line. */
  public Section section(String key) {
    known.add(key);
    if (recorded != null) {
      return child(pathOf(key), recorded.property(key).mapping());
    }
    ConfigNode.Entry entry = node.entries().get(key);
    if (entry == null || entry.value() instanceof ConfigNode.Scalar scalar && scalar.isNull()) {
      int line = entry == null ? node.line() : entry.keyLine();
      return new Section(new ConfigNode.Mapping(line, Map.of()), pathOf(key), problems, env,
          unsetSecretsAllowed);
    }
    if (entry.value() instanceof ConfigNode.Mapping mapping) {
      return new Section(mapping, pathOf(key), problems, env, unsetSecretsAllowed);
    }
    problem(key, "must be a mapping of keys to values, got " + entry.value().kind());
    return new Section(new ConfigNode.Mapping(entry.keyLine(), Map.of()), pathOf(key), problems, env,
        unsetSecretsAllowed);
  }

  /** The raw node at {@code key}, for values that may take several shapes. */
  Optional<ConfigNode> node(String key) {
    known.add(key);
    if (recorded != null) {
      // the reader then asks for what a mapping there would hold; a single value is allowed as well
      recorded.property(key).anyScalar();
      return Optional.of(new ConfigNode.Mapping(0, Map.of()));
    }
    return value(key);
  }

  private Optional<ConfigNode> value(String key) {
    known.add(key);
    return Optional.ofNullable(node.entries().get(key)).map(ConfigNode.Entry::value)
        .filter(value -> !(value instanceof ConfigNode.Scalar scalar && scalar.isNull()));
  }

  /** A list of mappings; each item comes back as a section with the path {@code key[i]}. */
  public List<Section> sections(String key) {
    if (recorded != null) {
      known.add(key);
      return List.of(child(pathOf(key) + "[0]",
          recorded.property(key).listOfMappings()));
    }
    List<Section> sections = new ArrayList<>();
    List<ConfigNode> items = items(key);
    for (int i = 0; i < items.size(); i++) {
      ConfigNode item = items.get(i);
      String itemPath = pathOf(key) + "[" + i + "]";
      if (item instanceof ConfigNode.Mapping mapping) {
        sections.add(new Section(mapping, itemPath, problems, env, unsetSecretsAllowed));
      } else {
        problems.add(item.line(), itemPath, "must be a mapping of keys to values, got " + item.kind());
      }
    }
    return sections;
  }

  /** A list of single values; a single value alone counts as a list of one. */
  public List<String> texts(String key) {
    record(key).ifPresent(ConfigSchema.Property::texts);
    Optional<ConfigNode> value = value(key);
    if (value.isPresent() && value.get() instanceof ConfigNode.Scalar scalar) {
      return resolve(key, scalar.text(), false).map(List::of).orElse(List.of());
    }
    List<String> texts = new ArrayList<>();
    List<ConfigNode> items = items(key);
    for (int i = 0; i < items.size(); i++) {
      ConfigNode item = items.get(i);
      String itemPath = pathOf(key) + "[" + i + "]";
      if (item instanceof ConfigNode.Scalar scalar && !scalar.isNull()) {
        resolveAt(item.line(), itemPath, scalar.text(), false).ifPresent(texts::add);
      } else {
        problems.add(item.line(), itemPath, "must be a single value, got " + item.kind());
      }
    }
    return texts;
  }

  /** Records a problem about item {@code index} of the list at {@code key} (or its single value). */
  public void problemAtItem(String key, int index, String message) {
    ConfigLocation at = locationOfItem(key, index);
    problems.add(at.line(), at.path(), message);
  }

  /** Where item {@code index} of the list at {@code key} (or its single value) is written. */
  ConfigLocation locationOfItem(String key, int index) {
    Optional<ConfigNode> value = Optional.ofNullable(node.entries().get(key)).map(ConfigNode.Entry::value);
    if (value.isPresent() && value.get() instanceof ConfigNode.Sequence sequence && index < sequence.items().size()) {
      return new ConfigLocation(problems.source(), sequence.items().get(index).line(),
          pathOf(key) + "[" + index + "]");
    }
    return new ConfigLocation(problems.source(), value.map(ConfigNode::line).orElse(node.line()), pathOf(key));
  }

  /** Whether this mapping has no keys at all (never, while recording the schema). */
  boolean isEmpty() {
    return recorded == null && node.entries().isEmpty();
  }

  /** The keys of this mapping, in file order, each counted as known. */
  public List<String> keys() {
    if (recorded != null) {
      recorded.open();
      return List.of(ConfigSchema.ANY_KEY);
    }
    known.addAll(node.entries().keySet());
    return List.copyOf(node.entries().keySet());
  }

  /** A mapping of names to single values (field maps); keys are free-form and checked by the caller. */
  public Map<String, String> textMap(String key) {
    Section section = section(key);
    Map<String, String> map = new LinkedHashMap<>();
    for (String name : section.keys()) {
      section.text(name).ifPresent(value -> map.put(name, value.strip()));
    }
    return map;
  }

  /** Reports every key in this mapping that no accessor asked for. Call once, after reading. */
  public void finish() {
    for (ConfigNode.Entry entry : node.entries().values()) {
      if (!known.contains(entry.key())) {
        String where = path.isEmpty() ? "" : " in " + path;
        problems.add(entry.keyLine(), pathOf(entry.key()), "unknown key '" + entry.key() + "'" + where
            + Suggestions.didYouMean(entry.key(), known)
            + (Suggestions.nearest(entry.key(), known).isEmpty() && !known.isEmpty()
                ? "; known keys here: " + String.join(", ", known) : ""));
      }
    }
  }

  /**
   * When recording, the value of this pass among {@code values} (recorded as the key's choices), so that a reader
   * that branches on the key reads every branch over the passes; empty when reading a file.
   */
  Optional<String> explored(String key, java.util.Collection<String> values) {
    if (recorded == null) {
      return Optional.empty();
    }
    known.add(key);
    recorded.property(key).oneOf(values);
    return values.isEmpty() ? Optional.empty() : Optional.of(choices.pick(List.copyOf(values)));
  }

  // ---- internals --------------------------------------------------------------------------------

  private List<ConfigNode> items(String key) {
    Optional<ConfigNode> value = value(key);
    if (value.isEmpty()) {
      return List.of();
    }
    if (value.get() instanceof ConfigNode.Sequence sequence) {
      return sequence.items();
    }
    problem(key, "must be a list, got " + value.get().kind());
    return List.of();
  }

  private Optional<ConfigNode.Scalar> scalar(String key) {
    Optional<ConfigNode> value = value(key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (value.get() instanceof ConfigNode.Scalar scalar) {
      return Optional.of(scalar);
    }
    problem(key, "must be a single value, got " + value.get().kind());
    return Optional.empty();
  }

  private Optional<String> resolve(String key, String text, boolean secret) {
    ConfigNode.Entry entry = node.entries().get(key);
    return resolveAt(entry == null ? node.line() : entry.value().line(), pathOf(key), text, secret);
  }

  /** Replaces {@code ${NAME}} and {@code ${NAME:-default}}; a missing variable names the key. */
  private Optional<String> resolveAt(int line, String keyPath, String text, boolean secret) {
    if (ENV_REFERENCE.matcher(text).replaceAll("").contains("${")) {
      problems.add(line, keyPath, "unclosed environment reference" + (secret ? "" : " in '" + text + "'")
          + "; write ${NAME} or ${NAME:-default}");
      return Optional.empty();
    }
    Matcher matcher = ENV_REFERENCE.matcher(text);
    StringBuilder resolved = new StringBuilder();
    boolean ok = true;
    while (matcher.find()) {
      String reference = matcher.group(1);
      int separator = reference.indexOf(":-");
      String name = separator < 0 ? reference : reference.substring(0, separator);
      if (!ENV_NAME.matcher(name).matches()) {
        problems.add(line, keyPath, "invalid environment variable name '" + name
            + "'; write ${NAME} or ${NAME:-default}");
        ok = false;
        continue;
      }
      String value = env.containsKey(name) ? env.get(name)
          : separator < 0 ? null : reference.substring(separator + 2);
      if (value == null) {
        problems.add(line, keyPath, "environment variable " + name + " is not set");
        ok = false;
        continue;
      }
      matcher.appendReplacement(resolved, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(resolved);
    return ok ? Optional.of(resolved.toString()) : Optional.empty();
  }

  /** Whether {@code text} names a (well-formed) variable that is not set and has no default. */
  private boolean referencesUnsetVariable(String text) {
    Matcher matcher = ENV_REFERENCE.matcher(text);
    while (matcher.find()) {
      String reference = matcher.group(1);
      if (!reference.contains(":-") && ENV_NAME.matcher(reference).matches() && !env.containsKey(reference)) {
        return true;
      }
    }
    return false;
  }

  private static String suggestedVariable(String key) {
    return "NPS_" + key.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  /** A parse result: a value, or the reason it could not be read. */
  public record Parsed<T>(T value, String error) {
    public static <T> Parsed<T> of(T value) {
      return new Parsed<>(value, null);
    }

    public static <T> Parsed<T> error(String error) {
      return new Parsed<>(null, error);
    }
  }
}
