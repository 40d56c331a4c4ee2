package io.npsconnector.core.testing;

import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.WriteRequest;
import java.util.List;
import java.util.Objects;

/** Passes every call to another adapter; tests override the calls they watch or change. */
public abstract class ForwardingCrmAdapter implements CrmAdapter {
  private final CrmAdapter crm;

  protected ForwardingCrmAdapter(CrmAdapter crm) {
    this.crm = Objects.requireNonNull(crm, "crm");
  }

  @Override
  public ConnectionCheck check() {
    return crm.check();
  }

  @Override
  public ChangePage readChanges(SyncCursor cursor) {
    return crm.readChanges(cursor);
  }

  @Override
  public int maxWriteBatch() {
    return crm.maxWriteBatch();
  }

  @Override
  public List<RecordResult> write(List<WriteRequest> requests) {
    return crm.write(requests);
  }

  @Override
  public FieldReport describeFields() {
    return crm.describeFields();
  }

  @Override
  public FieldReport installFields() {
    return crm.installFields();
  }

  @Override
  public boolean conservingApiBudget() {
    return crm.conservingApiBudget();
  }

  @Override
  public boolean readsTasks() {
    return crm.readsTasks();
  }

  @Override
  public int maxConcurrentWrites() {
    return crm.maxConcurrentWrites();
  }

  @Override
  public int maxTaskRead() {
    return crm.maxTaskRead();
  }

  @Override
  public io.npsconnector.core.spi.TaskStates readTasks(java.util.List<String> crmTaskIds) {
    return crm.readTasks(crmTaskIds);
  }

  @Override
  public void close() {
    crm.close();
  }

  @Override
  public java.util.Optional<java.net.URI> recordUrl(String objectType, String crmId) {
    return crm.recordUrl(objectType, crmId);
  }

  @Override
  public java.util.Optional<String> ownerEmail(String ownerId) {
    return crm.ownerEmail(ownerId);
  }
}
