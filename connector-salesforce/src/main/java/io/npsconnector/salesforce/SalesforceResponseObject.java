package io.npsconnector.salesforce;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.sforce.soap.partner.DescribeSObjectResult;
import com.sforce.soap.partner.Field;
import com.sforce.soap.partner.FieldType;

import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.core.spi.FieldReport.State;

/**
 * The {@code NPS_Response__c} custom object (one record per answer, shipped in the DX source): the fields
 * the connector writes with {@code upsert} on {@link #KEY}, the Salesforce type each must have, and what
 * {@code describeSObjects} says about them. Kept apart from the Contact, Account and Task fields, which
 * {@link SalesforceFields} judges.
 */
final class SalesforceResponseObject {
  static final String OBJECT = io.npsconnector.salesforce.write.SalesforceWriter.RESPONSE_OBJECT;
  /** The unique external ID the connector upserts on: the invitation's key. */
  static final String KEY = io.npsconnector.salesforce.write.SalesforceWriter.RESPONSE_KEY_FIELD;

  /** Every field written on upsert, with the types Salesforce reports for it (its value must fit). */
  static final Map<String, Set<FieldType>> WRITTEN = written();
  /** Fields the record page and reports read but nobody writes (formulas). */
  static final List<String> READ_ONLY = List.of("NPS_Points__c");

  private SalesforceResponseObject() {}

  private static Map<String, Set<FieldType>> written() {
    Map<String, Set<FieldType>> fields = new LinkedHashMap<>();
    fields.put(KEY, Set.of(FieldType.string));
    fields.put("Score__c", Set.of(FieldType._double));
    fields.put("Category__c", Set.of(FieldType.picklist));
    fields.put("Comment__c", Set.of(FieldType.textarea));
    fields.put("Trigger__c", Set.of(FieldType.string));
    fields.put("Channel__c", Set.of(FieldType.string));
    fields.put("Answered_At__c", Set.of(FieldType.datetime));
    fields.put("Contact__c", Set.of(FieldType.reference));
    fields.put("Account__c", Set.of(FieldType.reference));
    fields.put("Follow_Up_Status__c", Set.of(FieldType.picklist));
    return java.util.Collections.unmodifiableMap(fields);
  }

  /**
   * The state of every field: all missing when the object is not there (or hidden from the integration
   * user); not writable when the user may not create and edit the object or a field (upsert needs both);
   * incompatible for a field of another type, or a key that is not a unique external ID.
   */
  static List<FieldReport.Field> report(Optional<DescribeSObjectResult> described) {
    Map<String, Field> fields = new LinkedHashMap<>();
    described.ifPresent(result -> {
      for (Field field : result.getFields()) {
        fields.put(field.getName().toLowerCase(Locale.ROOT), field);
      }
    });
    boolean objectWritable = described.map(result -> result.isCreateable() && result.isUpdateable()).orElse(false);
    List<FieldReport.Field> report = new ArrayList<>();
    WRITTEN.forEach((name, types) -> report.add(new FieldReport.Field(OBJECT, name,
        writable(fields.get(name.toLowerCase(Locale.ROOT)), objectWritable, types, name.equals(KEY)))));
    for (String name : READ_ONLY) {
      report.add(new FieldReport.Field(OBJECT, name,
          fields.containsKey(name.toLowerCase(Locale.ROOT)) ? State.PRESENT : State.MISSING));
    }
    return report;
  }

  private static State writable(Field field, boolean objectWritable, Set<FieldType> types, boolean key) {
    if (field == null) {
      return State.MISSING;
    }
    if (!objectWritable || !field.isCreateable() || !field.isUpdateable()) {
      return State.NOT_WRITABLE;
    }
    if (!types.contains(field.getType()) || key && !field.isExternalId()) {
      return State.INCOMPATIBLE;
    }
    return State.PRESENT;
  }
}
