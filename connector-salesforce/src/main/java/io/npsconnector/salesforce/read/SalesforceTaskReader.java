package io.npsconnector.salesforce.read;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.sforce.soap.partner.QueryResult;
import com.sforce.ws.bind.XmlObject;

import io.npsconnector.core.spi.TaskState;
import io.npsconnector.core.spi.TaskStates;
import io.npsconnector.salesforce.client.SalesforceSession;

/**
 * Reads follow-up tasks back with SOQL on {@code Task} by {@code Id IN (...)}: {@code Status}, {@code IsClosed}
 * (a closed status is completed), {@code CompletedDateTime}, {@code OwnerId} and {@code Owner.Name},
 * {@code ActivityDate} (the due date), {@code LastModifiedDate}, and {@code LastModifiedById} with
 * {@code LastModifiedBy.Name} (who completed it: the user who last changed the closed task). The ids are split
 * so that no statement passes {@value #MAX_SOQL_LENGTH} characters, Salesforce's limit, and pages come through
 * {@code queryMore}. It uses {@code queryAll}, so that a deleted task (in the recycle bin, {@code IsDeleted})
 * and an archived one are told apart from one never there; an id no row answers, or a deleted row, is reported
 * deleted. Thread-safe: each call has its own state.
 */
public final class SalesforceTaskReader {
  /** Salesforce's limit on the length of a SOQL statement. */
  public static final int MAX_SOQL_LENGTH = 100_000;
  static final String SELECT = "SELECT Id, IsDeleted, Status, IsClosed, CompletedDateTime, OwnerId, Owner.Name, "
      + "ActivityDate, LastModifiedDate, LastModifiedById, LastModifiedBy.Name FROM Task WHERE Id IN (";
  static final String OPERATION = "read follow-up tasks";

  private final SalesforceSession session;
  private final int maxLength;

  public SalesforceTaskReader(SalesforceSession session) {
    this(session, MAX_SOQL_LENGTH);
  }

  /** @param maxLength the longest statement to send (smaller in tests, to see the split) */
  SalesforceTaskReader(SalesforceSession session, int maxLength) {
    this.session = session;
    this.maxLength = maxLength;
  }

  public TaskStates read(List<String> ids) {
    Map<String, TaskState> found = new HashMap<>();
    int calls = 0;
    for (String soql : statements(ids)) {
      calls++;
      QueryResult result = session.call("queryAll", OPERATION, partner -> partner.queryAll(soql));
      while (true) {
        for (XmlObject record : result.getRecords() == null ? List.<XmlObject>of() : Arrays.asList(result.getRecords())) {
          TaskState state = state(record);
          found.put(id15(state.crmTaskId()), state);
        }
        if (result.isDone() || result.getQueryLocator() == null) {
          break;
        }
        String locator = result.getQueryLocator();
        calls++;
        result = session.call("queryMore", OPERATION, partner -> partner.queryMore(locator));
      }
    }
    List<TaskState> states = new ArrayList<>();
    for (String id : ids) {
      TaskState state = found.get(id15(id));
      states.add(state == null ? TaskState.deleted(id) : new TaskState(id, state.status(), state.crmStatus(),
          state.completedAt(), state.completedBy(), state.owner(), state.dueDate(), state.lastModifiedAt()));
    }
    return new TaskStates(states, calls);
  }

  /** The statements for these ids, each within the length limit; ids are checked to be record ids first. */
  List<String> statements(List<String> ids) {
    List<String> statements = new ArrayList<>();
    StringBuilder soql = new StringBuilder(SELECT);
    int inList = 0;
    for (String id : new LinkedHashSet<>(ids)) {
      if (!id.matches("[A-Za-z0-9]{15}([A-Za-z0-9]{3})?")) {
        throw new IllegalArgumentException("not a Salesforce record id: '" + id + "'");
      }
      String literal = Soql.literal(id);
      if (inList > 0 && soql.length() + 1 + literal.length() + 1 > maxLength) {
        statements.add(soql.append(')').toString());
        soql = new StringBuilder(SELECT);
        inList = 0;
      }
      soql.append(inList > 0 ? "," : "").append(literal);
      inList++;
    }
    if (inList > 0) {
      statements.add(soql.append(')').toString());
    }
    return statements;
  }

  private static TaskState state(XmlObject record) {
    String id = Records.text(record, "Id").orElse("");
    if (Records.flag(record, "IsDeleted")) {
      return TaskState.deleted(id);
    }
    boolean closed = Records.flag(record, "IsClosed");
    Optional<TaskState.User> by = Records.text(record, "LastModifiedById")
        .map(user -> new TaskState.User(user, Records.text(record, "LastModifiedBy.Name")));
    return new TaskState(id, closed ? TaskState.Status.COMPLETED : TaskState.Status.OPEN,
        Records.text(record, "Status"), closed ? Records.instant(record, "CompletedDateTime") : Optional.empty(),
        closed ? by : Optional.empty(),
        Records.text(record, "OwnerId").map(owner -> new TaskState.User(owner, Records.text(record, "Owner.Name"))),
        Records.date(record, "ActivityDate"), Records.instant(record, "LastModifiedDate"));
  }

  private static String id15(String id) {
    return id.length() > 15 ? id.substring(0, 15) : id;
  }
}
