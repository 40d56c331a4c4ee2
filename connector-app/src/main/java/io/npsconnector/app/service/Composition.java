package io.npsconnector.app.service;

import java.util.List;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import com.google.inject.util.Modules;

import io.npsconnector.config.NpsConfig;

/**
 * The composition root: one injector over the product's modules (config, store, adapters, delivery, engine,
 * web), with a caller's overrides ({@code Modules.override}), and the {@link Lifecycle} that owns whatever it
 * opens. Objects are made on first use, so a command that only reads the store opens nothing else.
 * {@link #close()} closes all of it, newest first.
 */
public final class Composition implements AutoCloseable {
  private final Lifecycle lifecycle;
  private final Injector injector;

  private Composition(Lifecycle lifecycle, Injector injector) {
    this.lifecycle = lifecycle;
    this.injector = injector;
  }

  /** The product's object graph for {@code config}, parts replaced by {@code overrides}; nothing opened yet. */
  public static Composition of(NpsConfig config, Module... overrides) {
    return of(new Lifecycle(), config, overrides);
  }

  /** As {@link #of(NpsConfig, Module...)}, owned by {@code lifecycle} along with what it already owns. */
  public static Composition of(Lifecycle lifecycle, NpsConfig config, Module... overrides) {
    Module product = Modules.override(modules(config)).with(overrides);
    return new Composition(lifecycle, Guice.createInjector(Stage.DEVELOPMENT,
        binder -> binder.bind(Lifecycle.class).toInstance(lifecycle), product));
  }

  /** Every module of the product, in the order their parts start. */
  static List<Module> modules(NpsConfig config) {
    return List.of(new ConfigModule(config), new StoreModule(), new AdapterModule(), new DeliveryModule(),
        new EngineModule(), new WebModule());
  }

  /** The instance of {@code type}, made (and opened) on first use; a failure to make it as its own exception. */
  public <T> T get(Class<T> type) {
    return get(Key.get(type));
  }

  public <T> T get(Key<T> key) {
    try {
      return injector.getInstance(key);
    } catch (ProvisionException e) {
      throw unwrapped(e);
    }
  }

  /** The owner of everything this graph opened. */
  public Lifecycle lifecycle() {
    return lifecycle;
  }

  /** Closes everything opened, newest first. */
  @Override
  public void close() {
    lifecycle.close();
  }

  /** A provider's own exception (a store that cannot open, a CRM type without an adapter), not Guice's wrapper. */
  private static RuntimeException unwrapped(ProvisionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return e;
  }
}
