package io.npsconnector.core.spi.support;

import io.npsconnector.config.ConnectionTypeCatalog;
import io.npsconnector.core.spi.CrmProvider;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The CRM providers of this build, found with {@link ServiceLoader}. Registered as the configuration's
 * {@link ConnectionTypeCatalog}, so that a configuration file may name exactly the types these providers serve.
 */
public final class CrmProviders implements ConnectionTypeCatalog {
  /** For {@link ServiceLoader}. */
  public CrmProviders() {}

  @Override
  public List<CrmProvider> types() {
    return installed();
  }

  /** Every provider on the class path. */
  public static List<CrmProvider> installed() {
    return ServiceLoader.load(CrmProvider.class).stream().map(ServiceLoader.Provider::get).toList();
  }

  /** The provider serving connections of {@code type}. */
  public static Optional<CrmProvider> serving(String type) {
    return installed().stream().filter(provider -> provider.type().equals(type)).findFirst();
  }
}
