package io.npsconnector.core.trigger;

import io.npsconnector.config.FilterCondition;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InteractionEvent;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a trigger's filter against a contact and its event. Text compares case-insensitively, the
 * ordering operators compare numbers; a value that is missing or not a number fails an ordering
 * condition, and the reason says which.
 */
final class FilterMatcher {
  /** The contact's own attributes a filter can read; anything else is one of its segments. */
  static final List<String> CONTACT_FIELDS = List.of("email", "first-name", "last-name", "phone", "locale",
      "time-zone", "owner", "account-id", "account-name", "email-opt-out");

  private FilterMatcher() {}

  /** The first condition that does not hold, as a reason sentence; empty when all hold. */
  static Optional<String> firstUnmet(List<FilterCondition> filter, Contact contact, Optional<InteractionEvent> event) {
    for (FilterCondition condition : filter) {
      Optional<String> value = value(condition, contact, event);
      Optional<String> unmet = unmet(condition, value);
      if (unmet.isPresent()) {
        return Optional.of("filter '" + condition + "' not met: " + unmet.get());
      }
    }
    return Optional.empty();
  }

  /** Why {@code condition} fails for {@code value} (empty when missing or blank); empty when it holds. */
  static Optional<String> unmet(FilterCondition condition, Optional<String> value) {
    Optional<String> text = value.map(String::strip).filter(v -> !v.isEmpty());
    String name = (condition.scope() == FilterCondition.Scope.CONTACT ? "contact." : "") + condition.attribute();
    String is = name + " is " + text.orElse("missing");
    if (condition.operator().numeric()) {
      Optional<BigDecimal> number = text.flatMap(FilterMatcher::number);
      if (text.isPresent() && number.isEmpty()) {
        return Optional.of(name + " is '" + text.get() + "', not a number");
      }
      BigDecimal bound = new BigDecimal(condition.values().get(0).strip());
      boolean holds = number.filter(n -> ordered(condition.operator(), n.compareTo(bound))).isPresent();
      return holds ? Optional.empty() : Optional.of(is);
    }
    boolean holds = switch (condition.operator()) {
      case EQUALS, IN -> text.isPresent() && anyEqual(text.get(), condition.values());
      case NOT_EQUALS, NOT_IN -> text.isEmpty() || !anyEqual(text.get(), condition.values());
      case PRESENT -> text.isPresent();
      case ABSENT -> text.isEmpty();
      default -> throw new IllegalStateException("not a text operator: " + condition.operator());
    };
    return holds ? Optional.empty() : Optional.of(is);
  }

  private static boolean ordered(FilterCondition.Operator operator, int order) {
    return switch (operator) {
      case LESS -> order < 0;
      case LESS_OR_EQUAL -> order <= 0;
      case GREATER -> order > 0;
      case GREATER_OR_EQUAL -> order >= 0;
      default -> throw new IllegalStateException("not an ordering operator: " + operator);
    };
  }

  private static boolean anyEqual(String value, List<String> candidates) {
    return candidates.stream().anyMatch(candidate -> candidate.strip().equalsIgnoreCase(value));
  }

  private static Optional<BigDecimal> number(String text) {
    try {
      return Optional.of(new BigDecimal(text));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> value(FilterCondition condition, Contact contact, Optional<InteractionEvent> event) {
    String attribute = condition.attribute();
    if (condition.scope() == FilterCondition.Scope.EVENT) {
      return event.flatMap(e -> lookup(e.attributes(), attribute));
    }
    return switch (attribute.toLowerCase(Locale.ROOT)) {
      case "email" -> contact.email();
      case "first-name" -> contact.firstName();
      case "last-name" -> contact.lastName();
      case "phone" -> contact.phone();
      case "locale" -> contact.locale().map(Locale::toLanguageTag);
      case "time-zone" -> contact.timeZone().map(ZoneId::getId);
      case "owner" -> contact.ownerId();
      case "account-id" -> contact.accountId();
      case "account-name" -> contact.accountName();
      case "email-opt-out" -> Optional.of(Boolean.toString(contact.emailOptOut()));
      default -> lookup(contact.segments(), attribute);
    };
  }

  /** The exact key, else the first key equal ignoring case (CRMs are loose about attribute case). */
  private static Optional<String> lookup(Map<String, String> values, String key) {
    if (values.containsKey(key)) {
      return Optional.ofNullable(values.get(key));
    }
    return values.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(key))
        .map(Map.Entry::getValue).filter(v -> v != null).findFirst();
  }
}
