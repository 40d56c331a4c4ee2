package io.npsconnector.core.spi;

import io.npsconnector.config.ConnectionConfig;

/**
 * Makes adapters for one kind of CRM. Providers are found with {@link java.util.ServiceLoader}: an
 * adapter module lists its provider in {@code META-INF/services/io.npsconnector.core.spi.CrmProvider}.
 *
 * <p>Contract: a provider is stateless and thread-safe; {@link #create} does no I/O (the first call
 * on the adapter connects), so the service can start and report every bad connection at once.
 *
 * @since 0.1
 */
public interface CrmProvider {
  /** The connection type it serves, as configuration files write it ({@code hubspot}). */
  String type();

  /**
   * Makes the adapter of one configured connection.
   *
   * @throws io.npsconnector.config.ConfigurationException when the connection's settings cannot work
   *     with this CRM (naming the key)
   */
  CrmAdapter create(ConnectionConfig connection, AdapterContext context);

  /**
   * The attributes this provider's adapters fill on events, per kind, so that trigger filters naming
   * others can be refused when the configuration is loaded. Providers that do not override it are not
   * checked.
   *
   * @since 0.2
   */
  default EventAttributes eventAttributes() {
    return EventAttributes.UNDECLARED;
  }
}
