package io.npsconnector.hubspot;

import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.hubspot.webhook.StageChange;
import io.npsconnector.hubspot.webhook.StageChangeSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the stage changes of a webhook delivery into events at once: off the request thread (HubSpot
 * wants an answer within 5 seconds), the deals and tickets are read, those now won or closed become
 * events with their contacts, and the events go to {@code events} (the engine's {@code ingest}). A
 * failure here is logged and left to the polling sync, which reads the same changes later; storing
 * events is idempotent, so a change that arrives both ways is surveyed once.
 */
public final class HubSpotStageChangeSink implements StageChangeSink {
  private static final Logger LOG = LoggerFactory.getLogger(HubSpotStageChangeSink.class);

  private final HubSpotReader reader;
  private final Executor executor;
  private final Consumer<List<InteractionEvent>> events;
  private final String connection;

  public HubSpotStageChangeSink(String connection, HubSpotReader reader, Executor executor,
      Consumer<List<InteractionEvent>> events) {
    this.connection = connection;
    this.reader = reader;
    this.executor = executor;
    this.events = events;
  }

  @Override
  public void stageChanges(List<StageChange> changes) {
    List<String> deals = ids(changes, StageChange.Kind.DEAL);
    List<String> tickets = ids(changes, StageChange.Kind.TICKET);
    executor.execute(() -> {
      try {
        List<InteractionEvent> found = new ArrayList<>();
        if (!deals.isEmpty()) {
          found.addAll(reader.events(EventKind.PURCHASE, deals));
        }
        if (!tickets.isEmpty()) {
          found.addAll(reader.events(EventKind.SUPPORT, tickets));
        }
        if (!found.isEmpty()) {
          events.accept(found);
        }
      } catch (RuntimeException e) {
        LOG.warn("{}: stage changes from a webhook could not be turned into events now; the next sync reads "
            + "them: {}", connection, e.getMessage());
      }
    });
  }

  private static List<String> ids(List<StageChange> changes, StageChange.Kind kind) {
    return changes.stream().filter(change -> change.kind() == kind).map(StageChange::objectId).distinct().toList();
  }
}
