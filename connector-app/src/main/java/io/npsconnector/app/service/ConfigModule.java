package io.npsconnector.app.service;

import java.time.Clock;

import com.google.inject.AbstractModule;

import io.npsconnector.config.NpsConfig;

/** The deployment's configuration, and the clock every part tells time by. */
final class ConfigModule extends AbstractModule {
  private final NpsConfig config;

  ConfigModule(NpsConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    bind(NpsConfig.class).toInstance(config);
    bind(Clock.class).toInstance(Clock.systemUTC());
  }
}
