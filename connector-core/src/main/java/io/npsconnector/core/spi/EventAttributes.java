package io.npsconnector.core.spi;

import io.npsconnector.core.model.EventKind;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The attributes an adapter fills on the events it reads, per event kind, with their types: what
 * trigger filters can test ({@code amount >= 1000}). The host checks every filter against them when it
 * loads a configuration, so that a misspelt attribute is an error rather than a trigger that never fires.
 *
 * <p>Contract: an immutable value. A kind the adapter does not declare is not checked; a declared kind
 * lists every attribute the adapter may fill (an event may still lack one, a filter then sees it missing).
 *
 * @since 0.2
 */
public record EventAttributes(Map<EventKind, Map<String, Type>> byKind) {
  /** What an attribute holds, for the checks on the operators and values a filter uses with it. */
  public enum Type {
    /** Compared as text, ignoring case. */
    TEXT,
    /** Compared as a decimal number; the only type the ordering operators accept. */
    NUMBER
  }

  /** An adapter that declares nothing: its filters' event attributes are not checked. */
  public static final EventAttributes UNDECLARED = new EventAttributes(Map.of());

  public EventAttributes {
    Map<EventKind, Map<String, Type>> copy = new EnumMap<>(EventKind.class);
    byKind.forEach((kind, attributes) -> copy.put(kind, Collections.unmodifiableMap(new LinkedHashMap<>(attributes))));
    byKind = Collections.unmodifiableMap(copy);
  }

  /** The attributes of one kind of event, in declaration order; empty when the adapter does not say. */
  public Optional<Map<String, Type>> of(EventKind kind) {
    return Optional.ofNullable(byKind.get(kind));
  }
}
