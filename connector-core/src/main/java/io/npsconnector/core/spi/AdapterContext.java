package io.npsconnector.core.spi;

import io.npsconnector.config.WritebackConfig;
import java.time.Clock;
import java.util.Objects;

/**
 * What the engine gives every adapter.
 *
 * @param clock the only source of "now" an adapter may use
 * @param writeback which CRM fields NPS values are written to
 */
public record AdapterContext(Clock clock, WritebackConfig writeback) {
  public AdapterContext {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(writeback, "writeback");
  }
}
