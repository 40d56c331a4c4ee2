package io.npsconnector.core.testing;

import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.WriteRequest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

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

  @Override
  protected Optional<CrmContactNps> crmContactNps(String contactId) {
    return crm.contactNps(contactId).map(nps -> new CrmContactNps(nps.score(), nps.category(),
        LocalDate.ofInstant(nps.respondedAt(), ZoneOffset.UTC), nps.comment()));
  }

  @Override
  protected Optional<CrmAccountNps> crmAccountNps(String accountId) {
    return crm.accountNps(accountId).map(nps -> new CrmAccountNps(nps.nps(), nps.responses()));
  }

  @Override
  protected List<CrmTask> crmTasks(String contactId) {
    return crm.tasks().stream().filter(task -> task.contactId().equals(contactId))
        .map(task -> new CrmTask(task.subject(), task.ownerId(), task.dueDate())).toList();
  }

  @Override
  protected List<String> crmTimeline(String contactId) {
    return crm.activities().stream().filter(activity -> activity.contactId().equals(contactId))
        .map(activity -> activity.subject() + "\n" + activity.body()).toList();
  }
}
