package io.npsconnector.config;

import java.util.List;

/**
 * Lists connection types for {@link ConnectionTypes#installed()}. Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.npsconnector.config.ConnectionTypeCatalog}); the core module's catalog lists
 * the CRM providers of the build, so that the configuration module never depends on them.
 *
 * @since 0.1
 */
public interface ConnectionTypeCatalog {
  List<? extends ConnectionType> types();
}
