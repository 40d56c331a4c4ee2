package io.npsconnector.hubspot.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A HubSpot property as {@code /crm/v3/properties/{objectType}} lists it, and as the connector creates it
 * (then {@code calculated} and {@code modificationMetadata} are left out).
 *
 * @param type the stored type: {@code string}, {@code number}, {@code date}, {@code datetime},
 *     {@code enumeration}, {@code bool}
 * @param fieldType how it is edited: {@code text}, {@code textarea}, {@code number}, {@code date},
 *     {@code select}, {@code radio}, {@code checkbox}, ...
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PropertyDefinition(String name, String label, String type, String fieldType, String groupName,
    String description, List<Option> options, Boolean calculated, Metadata modificationMetadata) {

  /** A property to create. */
  public static PropertyDefinition of(String name, String label, String type, String fieldType, String groupName,
      String description, List<Option> options) {
    return new PropertyDefinition(name, label, type, fieldType, groupName, description, options, null, null);
  }

  /** The values of its options (enumerations); empty for other types. */
  public Set<String> optionValues() {
    return options == null ? Set.of() : options.stream().map(Option::value).collect(Collectors.toSet());
  }

  /** False for calculated properties and those whose value HubSpot keeps read-only. */
  public boolean valueWritable() {
    boolean readOnly = modificationMetadata != null && Boolean.TRUE.equals(modificationMetadata.readOnlyValue());
    return !Boolean.TRUE.equals(calculated) && !readOnly;
  }

  /** {@code type/fieldType}, as messages show it. */
  public String kind() {
    return type + "/" + fieldType;
  }

  /** One choice of an enumeration. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Option(String label, String value, Integer displayOrder, Boolean hidden) {}

  /** What may be changed about the property and its values. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Metadata(Boolean readOnlyValue, Boolean readOnlyDefinition, Boolean archivable) {}
}
