package io.npsconnector.app.writeback;

import com.google.inject.Module;
import io.npsconnector.app.service.Composition;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.engine.EngineHooks;
import io.npsconnector.core.engine.EngineSettings;
import java.time.Clock;
import java.time.Duration;

/**
 * One run of the service for tests that kill it: an engine and fresh adapters made by the product's own
 * modules on the configured store. A {@link KillAt} hook "kills" it by throwing {@link Killed} out of the
 * engine, which never catches it; the test then closes this run and starts another on the same store.
 */
public final class ServiceProcess implements AutoCloseable {
  private final Composition app;
  private final Engine engine;

  /**
   * @param extra further bindings (the channels, for instance)
   */
  public ServiceProcess(NpsConfig config, Clock clock, EngineHooks hooks, Module extra) {
    app = Composition.of(config, binder -> {
      binder.bind(Clock.class).toInstance(clock);
      binder.bind(EngineHooks.class).toInstance(hooks);
      binder.bind(EngineSettings.class).toInstance(EngineSettings.defaults().withWritebackRetryWait(Duration.ZERO));
      extra.configure(binder);
    });
    engine = app.get(Engine.class);
  }

  public Engine engine() {
    return engine;
  }

  public <T> T get(Class<T> type) {
    return app.get(type);
  }

  @Override
  public void close() {
    app.close();
  }

  /** The process dying: thrown by the hook, never caught by the engine. */
  public static final class Killed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Killed(String message) {
      super(message);
    }
  }

  /** Dies right after the CRM acknowledged the {@code n}-th write-back batch of this process. */
  public static final class KillAt implements EngineHooks {
    private final int n;
    private int acknowledged;

    public KillAt(int n) {
      this.n = n;
    }

    @Override
    public void at(String point) {
      if (point.equals(EngineHooks.WRITEBACK_ACKNOWLEDGED) && ++acknowledged == n) {
        throw new Killed("killed after the CRM acknowledged write-back batch " + n);
      }
    }
  }
}
