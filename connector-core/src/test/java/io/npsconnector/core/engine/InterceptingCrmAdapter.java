package io.npsconnector.core.engine;

import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.WriteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Passes every call to a real adapter and lets a test act around each write: record the batch, answer
 * a survey while the call is in flight, or "die" (throw) before or after the CRM saw the batch.
 */
final class InterceptingCrmAdapter implements CrmAdapter {
  /** What a test does around the {@code call}-th write (counted from 1). */
  @FunctionalInterface
  interface Step {
    void at(int call, List<WriteRequest> requests);
  }

  /** Thrown by a step to stand for the process dying; not a CRM error, so nothing retries it. */
  static final class SimulatedCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String message) {
      super(message);
    }
  }

  private final CrmAdapter delegate;
  private final List<List<WriteRequest>> batches = new ArrayList<>();
  private Step beforeWrite = (call, requests) -> {};
  private Step afterWrite = (call, requests) -> {};
  private java.util.Optional<Integer> concurrentWrites = java.util.Optional.empty();

  InterceptingCrmAdapter(CrmAdapter delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  InterceptingCrmAdapter beforeWrite(Step step) {
    beforeWrite = step;
    return this;
  }

  InterceptingCrmAdapter afterWrite(Step step) {
    afterWrite = step;
    return this;
  }

  /** Every batch handed to {@link #write}, in order, failed calls included. */
  synchronized List<List<WriteRequest>> batches() {
    return List.copyOf(batches);
  }

  /** The sizes of the batches handed to {@link #write}. */
  synchronized List<Integer> batchSizes() {
    return batches.stream().map(List::size).toList();
  }

  @Override
  public List<RecordResult> write(List<WriteRequest> requests) {
    int call;
    synchronized (this) {
      batches.add(List.copyOf(requests));
      call = batches.size();
    }
    beforeWrite.at(call, requests);
    List<RecordResult> results;
    synchronized (delegate) { // the fake CRM takes one call at a time; the steps around it run concurrently
      results = delegate.write(requests);
    }
    afterWrite.at(call, requests);
    return results;
  }

  @Override
  public int maxWriteBatch() {
    return delegate.maxWriteBatch();
  }

  @Override
  public ConnectionCheck check() {
    return delegate.check();
  }

  @Override
  public ChangePage readChanges(SyncCursor cursor) {
    return delegate.readChanges(cursor);
  }

  @Override
  public FieldReport describeFields() {
    return delegate.describeFields();
  }

  @Override
  public FieldReport installFields() {
    return delegate.installFields();
  }

  @Override
  public boolean conservingApiBudget() {
    return delegate.conservingApiBudget();
  }

  @Override
  public boolean readsTasks() {
    return delegate.readsTasks();
  }

  @Override
  public int maxConcurrentWrites() {
    return concurrentWrites.orElseGet(delegate::maxConcurrentWrites);
  }

  /** Says the adapter takes {@code writes} calls at once, whatever the delegate says. */
  InterceptingCrmAdapter concurrentWrites(int writes) {
    concurrentWrites = java.util.Optional.of(writes);
    return this;
  }

  @Override
  public int maxTaskRead() {
    return delegate.maxTaskRead();
  }

  @Override
  public io.npsconnector.core.spi.TaskStates readTasks(List<String> crmTaskIds) {
    return delegate.readTasks(crmTaskIds);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
