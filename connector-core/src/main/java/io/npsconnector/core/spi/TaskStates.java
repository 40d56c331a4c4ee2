package io.npsconnector.core.spi;

import java.util.List;

/**
 * What one {@link CrmAdapter#readTasks} call gave.
 *
 * @param states one state per id asked for, in the order asked
 * @param apiCalls how many CRM API calls it took, for the call budget and reports
 * @since 0.3
 */
public record TaskStates(List<TaskState> states, int apiCalls) {
  public TaskStates {
    states = List.copyOf(states);
    if (apiCalls < 0) {
      throw new IllegalArgumentException("apiCalls < 0: " + apiCalls);
    }
  }
}
