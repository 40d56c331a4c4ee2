package io.npsconnector.hubspot.webhook;

import java.util.List;

/**
 * Takes the deal and ticket stage changes of one signed webhook delivery.
 *
 * <p><b>Threading.</b> Called on the HTTP server's request threads, possibly at the same time for
 * different deliveries; implementations are thread-safe.
 *
 * <p><b>Time.</b> HubSpot counts a delivery as failed when the answer takes more than 5 seconds and
 * sends it again. Store the changes and return; read deals and contacts later.
 *
 * <p><b>Errors.</b> Throwing fails the whole delivery: the handler answers 500, forgets these event ids
 * and processes HubSpot's retry like a first delivery. An implementation that throws part-way must
 * therefore accept the same changes again (key them by {@link StageChange#eventId()}).
 *
 * <p><b>Duplicates.</b> The handler drops event ids it has passed on in the last 48 hours, in memory:
 * after a restart, or once the window is full, a change can arrive a second time.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface StageChangeSink {
  /** Stores {@code changes}: never empty, in the order HubSpot sent them, no event id twice. */
  void stageChanges(List<StageChange> changes);
}
