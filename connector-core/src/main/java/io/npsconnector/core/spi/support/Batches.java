package io.npsconnector.core.spi.support;

import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.WriteRequest;
import java.util.List;

/** Checks adapters share on what the engine hands them. */
public final class Batches {
  private Batches() {}

  /**
   * Refuses a write batch above the adapter's {@link CrmAdapter#maxWriteBatch()}, before any CRM call.
   *
   * @throws IllegalArgumentException naming the connection and both sizes
   */
  public static void requireAtMost(String connection, List<WriteRequest> requests, int max) {
    if (requests.size() > max) {
      throw new IllegalArgumentException(connection + ": write takes at most " + max + " requests a call, got "
          + requests.size());
    }
  }

  /**
   * Refuses more task ids than the adapter's {@link CrmAdapter#maxTaskRead()}, before any CRM call.
   *
   * @throws IllegalArgumentException naming the connection and both sizes
   * @since 0.3
   */
  public static void requireAtMostTasks(String connection, List<String> crmTaskIds, int max) {
    if (crmTaskIds.size() > max) {
      throw new IllegalArgumentException(connection + ": readTasks takes at most " + max + " ids a call, got "
          + crmTaskIds.size());
    }
  }
}
