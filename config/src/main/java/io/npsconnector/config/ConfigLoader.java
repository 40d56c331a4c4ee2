package io.npsconnector.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a configuration file: YAML into {@link NpsConfig}, {@code ${VAR}} references resolved from the
 * environment, everything validated. Throws {@link ConfigurationException} listing every problem as
 * {@code FILE:LINE: path: message}. Each connection's own keys are read by the {@link ConnectionType} it
 * names: those of the build ({@link ConnectionTypes#installed()}) unless the caller gives others.
 */
public final class ConfigLoader {
  private static final Map<String, TemplateConfig> BUILTIN_TEMPLATES = builtinTemplates();

  private ConfigLoader() {}

  /** Loads {@code file}, resolving references from the process environment. */
  public static NpsConfig load(Path file) {
    return load(file, System.getenv());
  }

  /** Loads {@code file}, resolving references from {@code env}. */
  public static NpsConfig load(Path file, Map<String, String> env) {
    return load(file, env, ConnectionTypes.installed());
  }

  /** Loads {@code file} with the connection types given. */
  public static NpsConfig load(Path file, Map<String, String> env, ConnectionTypes types) {
    return parse(file.toString(), read(file), env, types, false);
  }

  /**
   * Loads {@code file} for a command that only reads the store: a secret whose variable is not set is no
   * problem; it is {@link Secret#isSet() unset} and throws if anything reveals it. Everything else is checked.
   */
  public static NpsConfig loadForReading(Path file, Map<String, String> env) {
    return parse(file.toString(), read(file), env, ConnectionTypes.installed(), true);
  }

  private static String read(Path file) {
    String source = file.toString();
    String yaml;
    try {
      yaml = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
      StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(yaml.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchFileException e) {
      throw new ConfigurationException(List.of(new ConfigProblem(source, 0, "", "no such file")));
    } catch (CharacterCodingException e) {
      throw new ConfigurationException(List.of(new ConfigProblem(source, 0, "", "is not UTF-8 text")));
    } catch (IOException e) {
      throw new ConfigurationException(List.of(new ConfigProblem(source, 0, "", "cannot read: " + e.getMessage())));
    }
    return yaml;
  }

  /** Parses YAML text; {@code source} names it in problems. */
  public static NpsConfig parse(String source, String yaml, Map<String, String> env) {
    return parse(source, yaml, env, ConnectionTypes.installed());
  }

  /** Parses YAML text with the connection types given. */
  public static NpsConfig parse(String source, String yaml, Map<String, String> env, ConnectionTypes types) {
    return parse(source, yaml, env, types, false);
  }

  private static NpsConfig parse(String source, String yaml, Map<String, String> env, ConnectionTypes types,
      boolean unsetSecretsAllowed) {
    Problems problems = new Problems(source);
    var root = YamlTreeReader.read(yaml, problems);
    if (root.isEmpty()) {
      problems.throwIfAny();
    }
    if (!(root.get() instanceof ConfigNode.Mapping mapping)) {
      problems.add(root.get().line(), "", "the file must be a mapping of keys (company, connections, triggers, ...), got "
          + root.get().kind());
      problems.throwIfAny();
      throw new IllegalStateException("unreachable");
    }
    NpsConfig config = NpsConfig.read(Section.root(mapping, problems, Map.copyOf(env), unsetSecretsAllowed),
        BUILTIN_TEMPLATES, types);
    problems.throwIfAny();
    return config;
  }

  /** The built-in templates ({@code standard}), which a file may change or add to. */
  static Map<String, TemplateConfig> builtins() {
    return BUILTIN_TEMPLATES;
  }

  private static Map<String, TemplateConfig> builtinTemplates() {
    String resource = "builtin-templates.yaml";
    try (InputStream in = ConfigLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      Problems problems = new Problems(resource);
      String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      ConfigNode.Mapping root = (ConfigNode.Mapping) YamlTreeReader.read(yaml, problems).orElseThrow();
      Section section = Section.root(root, problems, Map.of());
      Map<String, TemplateConfig> templates = new LinkedHashMap<>();
      for (String name : section.keys()) {
        templates.put(name, TemplateConfig.read(name, section.section(name), Map.of()));
      }
      problems.throwIfAny();
      return templates;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
