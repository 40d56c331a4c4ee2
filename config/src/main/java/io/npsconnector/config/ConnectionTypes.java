package io.npsconnector.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The connection types a configuration may name, by their {@link ConnectionType#type()}. */
public final class ConnectionTypes {
  private final Map<String, ConnectionType> byName;

  private ConnectionTypes(Map<String, ConnectionType> byName) {
    this.byName = byName;
  }

  /**
   * Exactly these types.
   *
   * @throws IllegalArgumentException when two serve the same name
   */
  public static ConnectionTypes of(Collection<? extends ConnectionType> types) {
    Map<String, ConnectionType> byName = new TreeMap<>();
    for (ConnectionType type : types) {
      ConnectionType before = byName.putIfAbsent(type.type(), type);
      if (before != null && before.getClass() != type.getClass()) {
        throw new IllegalArgumentException("two connection types are named '" + type.type() + "': "
            + before.getClass().getName() + " and " + type.getClass().getName());
      }
    }
    return new ConnectionTypes(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byName)));
  }

  /** The types of this build: those every {@link ConnectionTypeCatalog} found by {@link ServiceLoader} lists. */
  public static ConnectionTypes installed() {
    List<ConnectionType> types = ServiceLoader.load(ConnectionTypeCatalog.class)
        .stream().flatMap(catalog -> catalog.get().types().stream()).map(ConnectionType.class::cast).toList();
    return of(types);
  }

  public Optional<ConnectionType> type(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The names, sorted. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }
}
