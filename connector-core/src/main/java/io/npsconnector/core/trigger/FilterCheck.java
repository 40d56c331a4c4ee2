package io.npsconnector.core.trigger;

import io.npsconnector.config.ConfigProblem;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.FilterCondition;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.config.Suggestions;
import io.npsconnector.config.TriggerConfig;
import io.npsconnector.config.TriggerConfig.TriggerType;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.spi.EventAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks every trigger filter against the attributes there are: the contact's fields and the segments
 * each connection reads, and the event attributes each connection's adapter declares it fills
 * ({@link EventAttributes}). An attribute no connection of the trigger has, or one of its connections
 * lacks, would make the trigger refuse silently, so each is a problem at the condition's
 * {@code FILE:LINE}, with a suggestion; so is an ordering operator on a text attribute and a
 * non-number compared with a number attribute.
 *
 * <p>Contract: pure; the configuration module checks the grammar, this checks what only the adapters
 * know. Connections whose adapter declares nothing for an event kind are not checked for it.
 */
public final class FilterCheck {
  private final Map<String, EventAttributes> byConnectionType;

  /** @param byConnectionType the declaration of each CRM type's adapter, by type id ({@code hubspot}) */
  public FilterCheck(Map<String, EventAttributes> byConnectionType) {
    this.byConnectionType = Map.copyOf(byConnectionType);
  }

  /** Every problem of every filter condition, in file order. */
  public List<ConfigProblem> problems(NpsConfig config) {
    List<ConfigProblem> problems = new ArrayList<>();
    for (TriggerConfig trigger : config.triggers()) {
      List<ConnectionConfig> connections = config.connections().stream()
          .filter(connection -> trigger.connections().isEmpty() || trigger.connections().contains(connection.name()))
          .toList();
      for (FilterCondition condition : trigger.filter()) {
        check(trigger, condition, connections).ifPresent(message -> problems.add(condition.location()
            .problem("condition '" + condition + "': " + message)));
      }
    }
    return problems;
  }

  private Optional<String> check(TriggerConfig trigger, FilterCondition condition, List<ConnectionConfig> connections) {
    String what = condition.scope() == FilterCondition.Scope.CONTACT ? "contact attribute"
        : trigger.on().id() + " event attribute";
    Map<String, Map<String, EventAttributes.Type>> known = new LinkedHashMap<>();
    for (ConnectionConfig connection : connections) {
      attributes(trigger, condition.scope(), connection).ifPresent(names -> known.put(connection.name(), names));
    }
    if (known.isEmpty()) {
      return Optional.empty();
    }
    List<String> lacking = known.entrySet().stream()
        .filter(entry -> find(entry.getValue(), condition.attribute()).isEmpty()).map(Map.Entry::getKey).toList();
    if (lacking.size() == known.size()) {
      Set<String> all = new TreeSet<>();
      known.values().forEach(names -> all.addAll(names.keySet()));
      String prefix = condition.scope() == FilterCondition.Scope.CONTACT ? "contact." : "";
      return Optional.of("unknown " + what + " '" + condition.qualifiedName() + "'"
          + Suggestions.nearest(condition.attribute(), all).map(near -> " — did you mean '" + prefix + near + "'?")
              .orElse("")
          + "; " + (known.size() == 1 ? "connection '" + known.keySet().iterator().next() + "' has" : "the "
              + "connections have") + ": " + String.join(", ", all)
          + (condition.scope() == FilterCondition.Scope.CONTACT ? " (segments are read as the connection's "
              + "'segments' name them)" : ""));
    }
    if (!lacking.isEmpty()) {
      return Optional.of("connection" + (lacking.size() == 1 ? " '" : "s '") + String.join("', '", lacking) + "' "
          + (lacking.size() == 1 ? "has" : "have") + " no " + what + " '" + condition.qualifiedName()
          + "', so the trigger would never survey " + (lacking.size() == 1 ? "its" : "their") + " contacts; "
          + (condition.scope() == FilterCondition.Scope.CONTACT ? "add it to the connection's segments or " : "")
          + "name the trigger's connections");
    }
    return typeMismatch(condition, known);
  }

  /** The attributes a condition of this scope can read on one connection; empty when undeclared. */
  private Optional<Map<String, EventAttributes.Type>> attributes(TriggerConfig trigger, FilterCondition.Scope scope,
      ConnectionConfig connection) {
    if (scope == FilterCondition.Scope.CONTACT) {
      Map<String, EventAttributes.Type> names = new LinkedHashMap<>();
      FilterMatcher.CONTACT_FIELDS.forEach(name -> names.put(name, EventAttributes.Type.TEXT));
      connection.segments().keySet().forEach(name -> names.put(name, EventAttributes.Type.TEXT));
      return Optional.of(names);
    }
    if (trigger.on() == TriggerType.RELATIONSHIP) {
      return Optional.empty(); // the configuration already refuses event conditions on relationship triggers
    }
    EventKind kind = EventKind.valueOf(trigger.on().name());
    return Optional.ofNullable(byConnectionType.get(connection.type())).flatMap(declared -> declared.of(kind));
  }

  private static Optional<String> typeMismatch(FilterCondition condition,
      Map<String, Map<String, EventAttributes.Type>> known) {
    Set<EventAttributes.Type> types = new LinkedHashSet<>();
    known.values().forEach(names -> find(names, condition.attribute()).ifPresent(types::add));
    if (condition.operator().numeric() && types.contains(EventAttributes.Type.TEXT)) {
      return Optional.of("'" + condition.operator().symbol() + "' compares numbers, but '" + condition.qualifiedName()
          + "' is text; compare it with =, !=, in or not in");
    }
    boolean compares = switch (condition.operator()) {
      case EQUALS, NOT_EQUALS, IN, NOT_IN -> true;
      default -> false;
    };
    if (compares && types.equals(Set.of(EventAttributes.Type.NUMBER))) {
      return condition.values().stream().filter(value -> FilterCondition.number(value).isEmpty()).findFirst()
          .map(value -> "'" + condition.qualifiedName() + "' is a number, got '" + value + "'");
    }
    return Optional.empty();
  }

  /** The attribute's type, its name compared ignoring case as the matcher does. */
  private static Optional<EventAttributes.Type> find(Map<String, EventAttributes.Type> names, String attribute) {
    return names.entrySet().stream()
        .filter(entry -> entry.getKey().toLowerCase(Locale.ROOT).equals(attribute.toLowerCase(Locale.ROOT)))
        .map(Map.Entry::getValue).findFirst();
  }
}
