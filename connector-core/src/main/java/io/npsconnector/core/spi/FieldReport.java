package io.npsconnector.core.spi;

import java.util.List;

/**
 * The connector's fields on one CRM.
 *
 * @param fields one line per field needed
 * @param instructions what an admin must do by hand, if anything (for example a metadata deploy)
 */
public record FieldReport(List<Field> fields, List<String> instructions) {
  public FieldReport {
    fields = List.copyOf(fields);
    instructions = List.copyOf(instructions);
  }

  /** One field: on which object, its CRM name, and its state. */
  public record Field(String object, String name, State state) {}

  /** Whether a field is ready. */
  public enum State { PRESENT, CREATED, MISSING, NOT_WRITABLE, INCOMPATIBLE }

  public boolean complete() {
    return fields.stream().allMatch(field -> field.state() == State.PRESENT || field.state() == State.CREATED);
  }
}
