package io.npsconnector.app.service;

import java.time.Clock;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.spi.CrmAdapter;

/**
 * Makes a new adapter for one connection: the build's providers in production ({@link AdapterModule}), a
 * fake in tests (an override). The adapter is the caller's to close.
 */
@FunctionalInterface
public interface AdapterFactory {
  CrmAdapter open(NpsConfig config, ConnectionConfig connection, Clock clock);
}
