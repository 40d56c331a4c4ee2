package io.npsconnector.core.spi;

import io.npsconnector.core.model.InteractionEvent;
import java.util.List;

/**
 * Where an adapter hands events it learnt of outside a sync (a webhook): the engine stores them and
 * evaluates the triggers, as for synced events. Storing is idempotent by the event's kind and CRM id.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface EventSink {
  /** @throws RuntimeException when the events could not be stored; nothing is then half stored */
  void accept(List<InteractionEvent> events);
}
