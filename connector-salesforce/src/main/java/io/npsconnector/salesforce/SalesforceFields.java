package io.npsconnector.salesforce;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.sforce.soap.partner.DescribeSObjectResult;
import com.sforce.soap.partner.Field;
import com.sforce.soap.partner.FieldType;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.WritebackConfig;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.core.spi.FieldReport.State;
import io.npsconnector.salesforce.client.SalesforceSession;
import io.npsconnector.salesforce.read.ContactFields;
import io.npsconnector.salesforce.write.SalesforceWriter;

/**
 * The fields the connector reads and writes, checked with one {@code describeSObjects} call on Contact,
 * Account, Task and the NPS Response object ({@link SalesforceResponseObject}): each mapped field must
 * exist, fields written must be updateable (Task fields createable, response fields both) and of a type
 * the value fits; Task's {@value SalesforceWriter#TASK_KEY_FIELD} must be a unique external id, since tasks
 * are written by {@code upsert} on it. The fields cannot be created through the Partner API: they
 * ship as Salesforce DX source ({@code connector-salesforce/src/main/salesforce}), and
 * {@link #installFields()} says exactly how to deploy them.
 */
final class SalesforceFields {
  static final String SOURCE_DIR = "connector-salesforce/src/main/salesforce";
  static final String PERMISSION_SET = "NPS_Connector";
  /** Reps: read access to NPS responses and fields, and the record-page component. */
  static final String VIEWER_PERMISSION_SET = "NPS_Viewer";
  /** Deploys everything in the manifest; a production org accepts Apex only with its tests run. */
  static final String DEPLOY_COMMAND = "sf project deploy start --manifest manifest/package.xml --target-org nps-org "
      + "--test-level RunSpecifiedTests --tests NpsRecordControllerTest";
  static final List<String> TASK_FIELDS = List.of("WhoId", "OwnerId", "Subject", "Description", "ActivityDate",
      "Priority", "Status");
  private static final Set<FieldType> NUMBERS = Set.of(FieldType._double, FieldType._int, FieldType.percent,
      FieldType.currency, FieldType._long);
  private static final Set<FieldType> TEXTS = Set.of(FieldType.string, FieldType.textarea, FieldType.picklist,
      FieldType.combobox);

  private final SalesforceSession session;
  private final ConnectionConfig connection;
  private final Map<String, String> contactFields;
  private final Map<String, String> accountFields;
  private final ContactFields reads;

  SalesforceFields(SalesforceSession session, ConnectionConfig connection, WritebackConfig writeback) {
    this.session = session;
    this.connection = connection;
    this.contactFields = writeback.contactFields(SalesforceSettings.TYPE,
        SalesforceSettings.DEFAULT_CONTACT_FIELDS);
    this.accountFields = writeback.accountFields(SalesforceSettings.TYPE,
        SalesforceSettings.DEFAULT_ACCOUNT_FIELDS);
    this.reads = new ContactFields(connection);
  }

  /** Every field the connector needs, with its state in the org. */
  FieldReport describeFields() {
    DescribeSObjectResult[] described = describe();
    Map<String, Map<String, Field>> objects = new HashMap<>();
    Optional<DescribeSObjectResult> responses = Optional.empty();
    for (DescribeSObjectResult result : described) {
      Map<String, Field> fields = new HashMap<>();
      for (Field field : result.getFields()) {
        fields.put(field.getName().toLowerCase(Locale.ROOT), field);
      }
      objects.put(result.getName(), fields);
      if (result.getName().equalsIgnoreCase(SalesforceResponseObject.OBJECT)) {
        responses = Optional.of(result);
      }
    }
    List<FieldReport.Field> report = new ArrayList<>();
    contactFields.forEach((key, name) -> report.add(new FieldReport.Field("Contact", name,
        writable(objects, "Contact", name, key.equals("score") ? NUMBERS : key.equals("responded-at")
            ? Set.of(FieldType.date) : TEXTS, false))));
    accountFields.forEach((key, name) -> report.add(new FieldReport.Field("Account", name,
        writable(objects, "Account", name, NUMBERS, false))));
    for (String name : TASK_FIELDS) {
      report.add(new FieldReport.Field("Task", name, writable(objects, "Task", name, null, true)));
    }
    report.add(new FieldReport.Field("Task", SalesforceWriter.TASK_KEY_FIELD, taskKey(objects)));
    for (String path : reads.select()) {
      report.add(new FieldReport.Field("Contact", path, readable(objects, path)));
    }
    report.addAll(SalesforceResponseObject.report(responses));
    return new FieldReport(report, instructions(report));
  }

  /**
   * One call for the four objects; an org without the NPS Response object refuses the whole call with
   * {@code INVALID_TYPE}, so then the three standard objects are described alone and the object reported missing.
   */
  private DescribeSObjectResult[] describe() {
    try {
      return session.call("describeSObjects", "describe Contact, Account, Task and " + SalesforceResponseObject.OBJECT,
          partner -> partner.describeSObjects(new String[] {"Contact", "Account", "Task",
              SalesforceResponseObject.OBJECT}));
    } catch (CrmException.Data e) {
      if (!e.vendorCode().equals("INVALID_TYPE")) {
        throw e;
      }
      return session.call("describeSObjects", "describe Contact, Account and Task",
          partner -> partner.describeSObjects(new String[] {"Contact", "Account", "Task"}));
    }
  }

  /** The fields cannot be made through the Partner API: the report, and how to deploy them. */
  FieldReport installFields() {
    FieldReport report = describeFields();
    if (report.complete()) {
      return report;
    }
    List<String> lines = new ArrayList<>(report.instructions());
    return new FieldReport(report.fields(), lines);
  }

  ConnectionCheck check() {
    try {
      session.token();
    } catch (CrmException.Authentication e) {
      return new ConnectionCheck(false, List.of(e.getMessage()));
    }
    FieldReport report;
    try {
      report = describeFields();
    } catch (CrmException.Authentication e) {
      return new ConnectionCheck(false, List.of(e.getMessage()));
    }
    List<String> problems = new ArrayList<>();
    boolean noResponseObject = report.fields().stream()
        .filter(field -> field.object().equals(SalesforceResponseObject.OBJECT))
        .allMatch(field -> field.state() == State.MISSING);
    if (noResponseObject) {
      problems.add("the " + SalesforceResponseObject.OBJECT + " object (NPS Response) is missing (or hidden from the "
          + "integration user); run install-fields --connection " + connection.name() + " to see how to deploy it");
    }
    for (FieldReport.Field field : report.fields()) {
      String name = field.object() + "." + field.name();
      if (noResponseObject && field.object().equals(SalesforceResponseObject.OBJECT)) {
        continue;
      }
      switch (field.state()) {
        case MISSING -> problems.add(name + " is missing (or hidden from the integration user by field-level "
            + "security); " + (isReadField(field) ? "fix connections." + connection.name() + " or the field access"
            : "run install-fields --connection " + connection.name() + " to see how to deploy it"));
        case NOT_WRITABLE -> problems.add(name + " is not " + (field.object().equals("Task") ? "createable"
            : field.object().equals(SalesforceResponseObject.OBJECT) ? "createable and updateable" : "updateable")
            + " by the integration user; assign the " + PERMISSION_SET + " permission set"
            + (field.object().equals("Task") ? " and the Edit Tasks permission" : ""));
        case INCOMPATIBLE -> problems.add(isTaskKey(field)
            ? name + " must be a text field marked External ID and Unique, so that a resubmitted answer updates "
                + "its task instead of adding one (see " + SOURCE_DIR + ")"
            : name + " exists with a type the connector cannot write"
                + (name.equals(SalesforceResponseObject.OBJECT + "." + SalesforceResponseObject.KEY)
                    ? " or is not a unique external ID" : "") + " (see the field definitions in " + SOURCE_DIR + ")");
        default -> { }
      }
    }
    long limit = session.limits().limit();
    if (limit > 0 && session.limits().conserving()) {
      problems.add("the org has used " + session.limits().used() + " of its " + limit + " daily API requests; "
          + "syncs pause until usage is below connections." + connection.name()
          + ".api-limit.resume-below-percent");
    }
    return new ConnectionCheck(true, problems);
  }

  /**
   * The engine's key on Task: written on create and on update by {@code upsert}, which needs an external id;
   * unique, so that Salesforce itself refuses a second task with the same key.
   */
  private static State taskKey(Map<String, Map<String, Field>> objects) {
    Field field = objects.getOrDefault("Task", Map.of()).get(SalesforceWriter.TASK_KEY_FIELD.toLowerCase(Locale.ROOT));
    if (field == null) {
      return State.MISSING;
    }
    if (!field.isCreateable() || !field.isUpdateable()) {
      return State.NOT_WRITABLE;
    }
    return field.isExternalId() && field.isUnique() && field.getType() == FieldType.string
        ? State.PRESENT : State.INCOMPATIBLE;
  }

  private static boolean isTaskKey(FieldReport.Field field) {
    return field.object().equals("Task") && field.name().equals(SalesforceWriter.TASK_KEY_FIELD);
  }

  private boolean isReadField(FieldReport.Field field) {
    return field.object().equals("Contact") && !contactFields.containsValue(field.name());
  }

  private static State writable(Map<String, Map<String, Field>> objects, String object, String name,
      Set<FieldType> types, boolean create) {
    Field field = objects.getOrDefault(object, Map.of()).get(name.toLowerCase(Locale.ROOT));
    if (field == null) {
      return State.MISSING;
    }
    if (create ? !field.isCreateable() : !field.isUpdateable()) {
      return State.NOT_WRITABLE;
    }
    if (types != null && !types.contains(field.getType())) {
      return State.INCOMPATIBLE;
    }
    return State.PRESENT;
  }

  /** A contact read field, relationship paths followed through Account where the path goes there. */
  private static State readable(Map<String, Map<String, Field>> objects, String path) {
    Map<String, Field> contact = objects.getOrDefault("Contact", Map.of());
    if (!path.contains(".")) {
      return contact.containsKey(path.toLowerCase(Locale.ROOT)) ? State.PRESENT : State.MISSING;
    }
    String relationship = path.substring(0, path.indexOf('.'));
    Optional<Field> reference = contact.values().stream()
        .filter(field -> relationship.equalsIgnoreCase(field.getRelationshipName())).findFirst();
    if (reference.isEmpty()) {
      return State.MISSING;
    }
    String rest = path.substring(path.indexOf('.') + 1);
    String[] targets = reference.get().getReferenceTo();
    if (!rest.contains(".") && targets != null && targets.length == 1 && targets[0].equals("Account")) {
      return objects.getOrDefault("Account", Map.of()).containsKey(rest.toLowerCase(Locale.ROOT))
          ? State.PRESENT : State.MISSING;
    }
    return State.PRESENT; // deeper paths are checked by the first read, which names the configuration key
  }

  private List<String> instructions(List<FieldReport.Field> fields) {
    boolean writeFieldsMissing = fields.stream().anyMatch(field -> (!field.object().equals("Task") || isTaskKey(field))
        && !isReadField(field) && (field.state() == State.MISSING || isTaskKey(field) && field.state() == State.INCOMPATIBLE));
    boolean notWritable = fields.stream().anyMatch(field -> field.state() == State.NOT_WRITABLE);
    if (!writeFieldsMissing && !notWritable) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    lines.add("Salesforce fields are deployed as metadata, not through the API this connector uses. With the "
        + "Salesforce CLI (sf), from a checkout of npsconnector:");
    lines.add("  cd " + SOURCE_DIR);
    lines.add("  sf org login web --alias nps-org --instance-url <your My Domain login URL>");
    if (writeFieldsMissing) {
      lines.add("  " + DEPLOY_COMMAND);
    }
    lines.add("  sf org assign permset --name " + PERMISSION_SET + " --target-org nps-org --on-behalf-of "
        + "<integration user's username>");
    lines.add("  sf org assign permset --name " + VIEWER_PERMISSION_SET + " --target-org nps-org --on-behalf-of "
        + "<each rep's username>");
    lines.add("Then run check again. The source ships the default field names; if writeback.contact-fields"
        + ".salesforce or writeback.account-fields.salesforce name other fields, rename the files to match.");
    return lines;
  }
}
