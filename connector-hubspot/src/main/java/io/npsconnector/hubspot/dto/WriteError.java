package io.npsconnector.hubspot.dto;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a batch answer's {@code errors}. Every field is optional; {@code context} maps names such as
 * {@code ids} or {@code objectWriteTraceId} to lists of the inputs the error is about.
 */
public record WriteError(String status, String category, JsonNode subCategory, String message, JsonNode context,
    List<Detail> errors) {

  public WriteError {
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  /** The values under {@code context.<name>}: a list of strings (or a single value). */
  public List<String> context(String name) {
    JsonNode node = context == null ? null : context.get(name);
    List<String> values = new ArrayList<>();
    if (node == null || node.isNull()) {
      return values;
    }
    if (node.isArray()) {
      node.forEach(value -> values.add(value.asText()));
    } else if (node.isValueNode()) {
      values.add(node.asText());
    }
    return values;
  }

  /** One detail of an error. */
  public record Detail(String message, String code, String in) {}
}
