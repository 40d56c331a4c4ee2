package io.npsconnector.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schema (draft-07) of a configuration file, for editors. It is not written by hand: the loader's own
 * readers ({@link NpsConfig#read}, and each connection type's {@link ConnectionType#readSettings}) run over a
 * {@link Section} that records what they ask for instead of reading a file — each key, with the kind of value its
 * accessor takes (text, whole number in a range, duration, secret, one of a list, mapping, list) — so the schema
 * has exactly the keys the loader knows. A reader that branches on a value ({@code type}, {@code on}, {@code auth})
 * is run once per value (per combination of such values); a connection's keys are those of every connection plus those of its {@code type}.
 *
 * <p>The schema helps an editor complete keys and flag unknown ones; the loader's checks stay the authority (a
 * duration's syntax, a reminder before expiry, a trigger's connections are the loader's to check).
 */
public final class ConfigSchema {
  /** Stands for any key where a mapping's keys are free (template names, field maps). */
  static final String ANY_KEY = "any";
  private static final String ENV_REFERENCE = "\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?}";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private ConfigSchema() {}

  /** The schema for the connection types given, as indented JSON ending in a newline. */
  public static String json(ConnectionTypes types) {
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"))
        .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    try {
      return new ObjectMapper().writer(printer).writeValueAsString(schema(types)) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The schema for the connection types given. */
  public static ObjectNode schema(ConnectionTypes types) {
    Shape root = new Shape();
    Choices choices = new Choices();
    do {
      NpsConfig.read(Section.recording(root, choices), ConfigLoader.builtins(), types);
    } while (choices.next());
    ObjectNode schema = JSON.objectNode();
    schema.put("$schema", "http://json-schema.org/draft-07/schema#");
    schema.put("title", "npsconnector configuration");
    schema.put("description", "Generated from the configuration model by 'nps-connector config-schema' (connection "
        + "types: " + String.join(", ", types.names()) + "). Do not edit: regenerate it.");
    schema.setAll(root.toJson());
    return schema;
  }

  // ---- what the readers asked for ----------------------------------------------------------------

  /** The keys a mapping was asked for; per value of a key it branches on, the keys that value adds. */
  static final class Shape {
    private final Map<String, Property> properties = new LinkedHashMap<>();
    private final Map<String, Map<String, Shape>> variants = new LinkedHashMap<>();
    private boolean open;

    Property property(String key) {
      return properties.computeIfAbsent(key, k -> new Property());
    }

    Shape variant(String key, String value) {
      return variants.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(value, v -> new Shape());
    }

    void open() {
      open = true;
    }

    ObjectNode toJson() {
      if (variants.isEmpty()) {
        return object(properties);
      }
      // each variant is checked whole (its keys and the common ones), so that a key of another type is unknown
      ObjectNode schema = JSON.objectNode().put("type", "object");
      ObjectNode common = JSON.objectNode();
      properties.forEach((key, property) -> common.set(key, property.toJson()));
      schema.set("properties", common);
      ArrayNode cases = schema.putArray("allOf");
      variants.forEach((key, byValue) -> byValue.forEach((value, shape) -> {
        Map<String, Property> all = new LinkedHashMap<>(properties);
        all.putAll(shape.properties);
        ObjectNode when = JSON.objectNode();
        when.putObject("properties").putObject(key).put("const", value);
        when.putArray("required").add(key);
        cases.addObject().<ObjectNode>set("if", when).set("then", object(all));
      }));
      return schema;
    }

    private ObjectNode object(Map<String, Property> all) {
      ObjectNode schema = JSON.objectNode().put("type", "object");
      ObjectNode named = JSON.objectNode();
      all.forEach((key, property) -> {
        if (!(open && key.equals(ANY_KEY))) {
          named.set(key, property.toJson());
        }
      });
      if (!named.isEmpty()) {
        schema.set("properties", named);
      }
      if (open) {
        Property any = all.get(ANY_KEY);
        if (any != null) {
          schema.set("additionalProperties", any.toJson());
        }
      } else {
        schema.put("additionalProperties", false);
      }
      return schema;
    }
  }

  /** One key: a single value of some kind, a mapping, a list of either, or several of these. */
  static final class Property {
    private ObjectNode scalar;
    private boolean scalarIsText;
    private boolean scalarOrList;
    private boolean anyScalar;
    private Shape mapping;
    private boolean listOfMappings;

    /** A plain value; a more specific kind recorded for the same key (a number, a duration) wins over it. */
    void text() {
      if (scalar == null) {
        scalar = textSchema();
        scalarIsText = true;
      }
    }

    void integer(int min, int max) {
      kind(withReference(JSON.objectNode().put("type", "integer").put("minimum", min).put("maximum", max)));
    }

    void bool() {
      kind(withReference(JSON.objectNode().put("type", "boolean")));
    }

    void duration() {
      kind(JSON.objectNode().put("type", "string").put("description",
          "A duration: ISO-8601 (P3D, PT12H) or a number and a unit: 30s, 30m, 12h, 3d, 2w (combinable: 1h30m)."));
    }

    void url() {
      kind(JSON.objectNode().put("type", "string").put("description", "An absolute http(s) URL."));
    }

    void secret() {
      kind(JSON.objectNode().put("type", "string").put("pattern", ENV_REFERENCE).put("description",
          "A secret: an environment reference such as ${NAME} or ${NAME:-default}; never the secret itself."));
    }

    void oneOf(Collection<String> allowed) {
      ObjectNode choice = JSON.objectNode();
      ArrayNode values = choice.putArray("enum");
      allowed.forEach(values::add);
      kind(withReference(choice));
    }

    /** A single value or a list of them. */
    void texts() {
      text();
      scalarOrList = true;
    }

    /** Either a single value or something else ({@code reminder: off}, or a mapping). */
    void anyScalar() {
      anyScalar = true;
    }

    Shape mapping() {
      if (mapping == null) {
        mapping = new Shape();
      }
      return mapping;
    }

    Shape listOfMappings() {
      listOfMappings = true;
      return mapping();
    }

    private void kind(ObjectNode schema) {
      if (scalar == null || scalarIsText) {
        scalar = schema;
        scalarIsText = false;
      }
    }

    ObjectNode toJson() {
      if (mapping != null) {
        ObjectNode object = mapping.toJson();
        if (listOfMappings) {
          ObjectNode list = JSON.objectNode().put("type", "array");
          list.set("items", object);
          return list;
        }
        return anyScalar || scalar != null ? anyOf(scalar != null ? scalar : textSchema(), object) : object;
      }
      if (scalar == null) {
        return JSON.objectNode(); // asked whether it is there, never read: anything
      }
      if (scalarOrList) {
        ObjectNode list = JSON.objectNode().put("type", "array");
        list.set("items", scalar.deepCopy());
        return anyOf(scalar, list);
      }
      return scalar;
    }

    private static ObjectNode textSchema() {
      ObjectNode text = JSON.objectNode();
      text.putArray("type").add("string").add("number").add("boolean");
      return text;
    }

    /** Any value may be an environment reference, resolved when the file is loaded. */
    private static ObjectNode withReference(ObjectNode schema) {
      return anyOf(schema, JSON.objectNode().put("type", "string").put("pattern", ENV_REFERENCE));
    }

    private static ObjectNode anyOf(ObjectNode first, ObjectNode second) {
      ObjectNode schema = JSON.objectNode();
      schema.putArray("anyOf").add(first).add(second);
      return schema;
    }
  }

  /**
   * The values branching readers take, pass after pass, so that every combination a reading can meet is met once
   * (a connection type, then each auth mode of that type): the passes count through the choices like an odometer
   * whose wheels are the choices made in the previous pass.
   */
  static final class Choices {
    private List<Integer> planned = List.of();
    private final List<Integer> taken = new ArrayList<>();
    private final List<Integer> sizes = new ArrayList<>();

    /** The value the next choice of this pass takes. */
    String pick(List<String> values) {
      int index = taken.size() < planned.size() ? planned.get(taken.size()) : 0;
      taken.add(index);
      sizes.add(values.size());
      return values.get(index);
    }

    /** Plans the next pass; false when every combination has been taken. */
    boolean next() {
      for (int i = taken.size() - 1; i >= 0; i--) {
        if (taken.get(i) + 1 < sizes.get(i)) {
          List<Integer> plan = new ArrayList<>(taken.subList(0, i));
          plan.add(taken.get(i) + 1);
          planned = plan;
          taken.clear();
          sizes.clear();
          return true;
        }
      }
      return false;
    }
  }
}
