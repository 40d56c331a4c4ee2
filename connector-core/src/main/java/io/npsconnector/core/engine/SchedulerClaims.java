package io.npsconnector.core.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who holds which work now, as db-scheduler's table says: the executions picked by an instance, oldest heartbeat
 * first.
 *
 * @param instance this process's instance name
 * @param takeOverWithin the longest a dead instance's claim waits for another instance
 * @param scheduled executions in the table, held or not
 * @param held the executions an instance holds, at most {@link #MAX_LISTED}
 * @param heldTotal all executions an instance holds
 */
public record SchedulerClaims(String instance, Duration takeOverWithin, int scheduled, List<Claim> held,
    int heldTotal) {
  public static final int MAX_LISTED = 100;

  public SchedulerClaims {
    held = List.copyOf(held);
  }

  /**
   * One held execution.
   *
   * @param task the task's name ({@code sync-CONNECTION}, {@code writeback-CONNECTION}, {@code send-invitation}, ...)
   * @param taskInstance which one ({@code recurring}, an invitation id)
   * @param pickedBy the instance holding it
   * @param lastHeartbeat when that instance last renewed the claim
   * @param dead true when the claim has missed its heartbeats: the next look for dead claims revives it
   */
  public record Claim(String task, String taskInstance, String pickedBy, Optional<Instant> lastHeartbeat,
      boolean dead) {}
}
