package io.npsconnector.salesforce;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.sforce.soap.partner.DescribeSObjectResult;
import com.sforce.soap.partner.Field;
import com.sforce.soap.partner.FieldType;

/** Describe results of Contact, Account, Task and NPS_Response__c shaped like a real org's, with fields left out or read-only. */
public final class SalesforceFieldsFixtures {
  private SalesforceFieldsFixtures() {}

  public static DescribeSObjectResult contact(Set<String> missing, Set<String> readOnly) {
    List<Field> fields = new ArrayList<>();
    for (String name : List.of("Id", "IsDeleted", "SystemModstamp", "Email", "FirstName", "LastName", "Phone",
        "HasOptedOutOfEmail", "MailingCountry")) {
      fields.add(field(name, FieldType.string, !name.equals("Id") && !name.equals("SystemModstamp")));
    }
    fields.add(reference("AccountId", "Account", "Account"));
    fields.add(reference("OwnerId", "Owner", "User"));
    fields.add(field("NPS_Score__c", FieldType._double, true));
    fields.add(field("NPS_Category__c", FieldType.picklist, true));
    fields.add(field("NPS_Last_Response_Date__c", FieldType.date, true));
    fields.add(field("NPS_Last_Comment__c", FieldType.textarea, true));
    return object("Contact", fields, missing, readOnly);
  }

  public static DescribeSObjectResult account(Set<String> missing) {
    List<Field> fields = new ArrayList<>(List.of(field("Id", FieldType.id, false), field("Name", FieldType.string, true),
        field("Industry", FieldType.picklist, true), field("NPS_Account_Score__c", FieldType._double, true),
        field("NPS_Response_Count__c", FieldType._double, true), field("NPS_Account_CI_Low__c", FieldType._double, true),
        field("NPS_Account_CI_High__c", FieldType._double, true)));
    return object("Account", fields, missing, Set.of());
  }

  public static DescribeSObjectResult task(Set<String> readOnly) {
    List<Field> fields = new ArrayList<>();
    fields.add(reference("WhoId", "Who", "Contact"));
    fields.add(reference("OwnerId", "Owner", "User"));
    for (String name : List.of("Subject", "Description", "Priority", "Status")) {
      fields.add(field(name, FieldType.string, true));
    }
    fields.add(field("ActivityDate", FieldType.date, true));
    Field key = field("NPS_Key__c", FieldType.string, true);
    key.setExternalId(true);
    key.setUnique(true);
    key.setIdLookup(true);
    fields.add(key);
    return object("Task", fields, Set.of(), readOnly);
  }

  /** {@code NPS_Response__c} as the DX source deploys it, {@code Invitation_Key__c} a unique external ID. */
  public static DescribeSObjectResult response(Set<String> missing, Set<String> readOnly) {
    List<Field> fields = new ArrayList<>(List.of(field("Id", FieldType.id, false), field("Name", FieldType.string,
        false)));
    Field key = field("Invitation_Key__c", FieldType.string, true);
    key.setExternalId(true);
    key.setUnique(true);
    key.setIdLookup(true);
    fields.add(key);
    fields.add(field("Score__c", FieldType._double, true));
    fields.add(field("Category__c", FieldType.picklist, true));
    fields.add(field("Comment__c", FieldType.textarea, true));
    fields.add(field("Trigger__c", FieldType.string, true));
    fields.add(field("Channel__c", FieldType.string, true));
    fields.add(field("Answered_At__c", FieldType.datetime, true));
    fields.add(reference("Contact__c", "Contact__r", "Contact"));
    fields.add(reference("Account__c", "Account__r", "Account"));
    fields.add(field("Follow_Up_Status__c", FieldType.picklist, true));
    Field points = field("NPS_Points__c", FieldType._double, false);
    points.setCalculated(true);
    fields.add(points);
    return object("NPS_Response__c", fields, missing, readOnly);
  }

  /** Task with its {@code NPS_Key__c} made by hand: a plain text field, or missing when {@code key} is false. */
  public static DescribeSObjectResult taskWithPlainKey(boolean key) {
    DescribeSObjectResult task = task(Set.of());
    List<Field> fields = new ArrayList<>(List.of(task.getFields()));
    fields.removeIf(field -> field.getName().equals("NPS_Key__c"));
    if (key) {
      fields.add(field("NPS_Key__c", FieldType.string, true));
    }
    task.setFields(fields.toArray(Field[]::new));
    return task;
  }

  private static DescribeSObjectResult object(String name, List<Field> fields, Set<String> missing,
      Set<String> readOnly) {
    fields.removeIf(field -> missing.contains(field.getName()));
    fields.forEach(field -> {
      if (readOnly.contains(field.getName())) {
        field.setUpdateable(false);
        field.setCreateable(false);
      }
    });
    DescribeSObjectResult result = new DescribeSObjectResult();
    result.setName(name);
    result.setLabel(name);
    result.setQueryable(true);
    result.setUpdateable(true);
    result.setCreateable(true);
    result.setFields(fields.toArray(Field[]::new));
    return result;
  }

  private static Field field(String name, FieldType type, boolean writable) {
    Field field = new Field();
    field.setName(name);
    field.setLabel(name);
    field.setType(type);
    field.setUpdateable(writable);
    field.setCreateable(writable);
    return field;
  }

  private static Field reference(String name, String relationship, String target) {
    Field field = field(name, FieldType.reference, true);
    field.setRelationshipName(relationship);
    field.setReferenceTo(new String[] {target});
    return field;
  }
}
