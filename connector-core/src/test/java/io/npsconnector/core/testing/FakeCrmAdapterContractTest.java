package io.npsconnector.core.testing;

import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.WriteRequest;
import java.util.List;

/** The fake passes the contract every adapter passes. */
class FakeCrmAdapterContractTest extends CrmAdapterContractTest {
  private final FakeCrmAdapter crm = FakeCrmAdapter.builder().pageSize(3).maxWriteBatch(10).build();

  @Override
  protected CrmAdapter adapter() {
    return crm;
  }

  @Override
  protected int pageSize() {
    return crm.pageSize();
  }

  @Override
  protected void givenContacts(List<Contact> contacts) {
    crm.putContacts(contacts);
  }

  @Override
  protected void givenEvents(List<InteractionEvent> events) {
    crm.addEvents(events);
  }

  @Override
  protected String givenWriteFailure(WriteRequest request, boolean retriable) {
    String code = retriable ? "UNABLE_TO_LOCK_ROW" : "FIELD_CUSTOM_VALIDATION_EXCEPTION";
    crm.failRecord(request.key(), code, retriable);
    return code;
  }

  @Override
  protected int crmRequestCount() {
    return crm.totalCalls();
  }
}
