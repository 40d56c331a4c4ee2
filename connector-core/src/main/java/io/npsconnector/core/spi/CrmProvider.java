package io.npsconnector.core.spi;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.ConnectionType;
import io.npsconnector.config.CrmSettings;
import io.npsconnector.config.Section;

/**
 * Makes adapters for one kind of CRM: its id ({@link #type()}), its settings ({@link #readSettings}) and its
 * factory ({@link #create}). Providers are found with {@link java.util.ServiceLoader}: an adapter module lists
 * its provider in {@code META-INF/services/io.npsconnector.core.spi.CrmProvider}, and nothing else in the
 * connector names it. How a provider builds its adapter (a Guice injector of its own, plain constructors) is
 * its own business.
 *
 * <p>Contract: a provider is stateless and thread-safe. {@link #readSettings} runs while the configuration
 * file loads: it reads the connection's own keys and records every problem on the section, so that they print
 * as {@code FILE:LINE: path: message} with the file's other problems. {@link #create} does no I/O (the first
 * call on the adapter connects), so the service can start and report every bad connection at once; the
 * adapter owns what it opens (HTTP clients, threads) and releases it in {@link CrmAdapter#close()}.
 *
 * @since 0.1
 */
public interface CrmProvider extends ConnectionType {
  /** The connection type it serves, as configuration files write it ({@code hubspot}). */
  @Override
  String type();

  /** Reads the settings only connections of this type have; see {@link ConnectionType#readSettings}. */
  @Override
  CrmSettings readSettings(Section connection);

  /**
   * Makes the adapter of one configured connection of this type.
   *
   * @throws IllegalArgumentException when {@code connection} is of another type
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
