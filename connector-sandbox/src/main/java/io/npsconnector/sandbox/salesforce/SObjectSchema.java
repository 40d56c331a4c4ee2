package io.npsconnector.sandbox.salesforce;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The objects and fields of the simulated org (standard fields the connector touches, the connector's
 * custom NPS fields, {@code Preferred_Language__c} and {@code Time_Zone__c}), and their
 * {@code describeSObjects} answers with every required element of {@code DescribeSObjectResult} and
 * {@code Field} in schema order.
 */
final class SObjectSchema {
  /** Languages of {@code Contact.Preferred_Language__c}. */
  static final List<String> LANGUAGES = List.of("en", "de", "fr", "es", "pt_BR");
  /** The labels the org shows for picklist values that differ from the stored API value. */
  static final Map<String, String> PICKLIST_LABELS = Map.of("en", "English", "de", "German", "fr", "French",
      "es", "Spanish", "pt_BR", "Portuguese (Brazil)");
  static final List<String> NPS_CATEGORIES = List.of("Promoter", "Passive", "Detractor");
  static final List<String> INDUSTRIES = List.of("Agriculture", "Banking", "Biotechnology", "Consulting",
      "Education", "Electronics", "Energy", "Healthcare", "Manufacturing", "Media", "Retail", "Technology",
      "Telecommunications");

  /** One field as {@code describeSObjects} reports it; names of types as Salesforce spells them. */
  record FieldDef(String name, String label, String type, int length, boolean createable, boolean updateable,
      boolean nillable, boolean custom, List<String> referenceTo, String relationshipName, List<String> picklist,
      boolean restricted) {

    String soapType() {
      return switch (type) {
        case "id", "reference" -> "tns:ID";
        case "boolean" -> "xsd:boolean";
        case "double", "currency", "percent" -> "xsd:double";
        case "int" -> "xsd:int";
        case "date" -> "xsd:date";
        case "datetime" -> "xsd:dateTime";
        default -> "xsd:string";
      };
    }

    boolean numeric() {
      return soapType().equals("xsd:double") || type.equals("int");
    }
  }

  /** A child relationship usable in a sub-query: {@code OpportunityContactRoles} to its rows by {@code OpportunityId}. */
  record Child(String relationship, String childType, String field) {}

  /** One object. */
  static final class ObjectDef {
    final String name;
    final String labelPlural;
    final String keyPrefix;
    private final Map<String, FieldDef> fields = new LinkedHashMap<>();
    private final Map<String, Child> children = new LinkedHashMap<>();
    /** External id fields (lower-case name) to whether each is also unique. */
    private final Map<String, Boolean> externalIds = new LinkedHashMap<>();

    ObjectDef(String name, String labelPlural, String keyPrefix) {
      this.name = name;
      this.labelPlural = labelPlural;
      this.keyPrefix = keyPrefix;
      add(new FieldDef("Id", name + " ID", "id", 18, false, false, false, false, List.of(), null, List.of(), false));
      add(new FieldDef("IsDeleted", "Deleted", "boolean", 0, false, false, false, false, List.of(), null, List.of(),
          false));
    }

    ObjectDef add(FieldDef field) {
      fields.put(field.name().toLowerCase(Locale.ROOT), field);
      return this;
    }

    ObjectDef text(String name, String type, int length, boolean writable) {
      return add(new FieldDef(name, label(name), type, length, writable, writable, true, name.endsWith("__c"),
          List.of(), null, List.of(), false));
    }

    ObjectDef flag(String name, boolean writable) {
      return add(new FieldDef(name, label(name), "boolean", 0, writable, writable, false, name.endsWith("__c"),
          List.of(), null, List.of(), false));
    }

    ObjectDef picklist(String name, List<String> values, boolean restricted) {
      return add(new FieldDef(name, label(name), "picklist", 255, true, true, true, name.endsWith("__c"), List.of(),
          null, values, restricted));
    }

    ObjectDef reference(String name, String target, String relationship, boolean writable) {
      return add(new FieldDef(name, label(name), "reference", 18, writable, writable, true, false, List.of(target),
          relationship, List.of(), false));
    }

    ObjectDef readOnly(String name, String type) {
      return add(new FieldDef(name, label(name), type, type.equals("datetime") ? 0 : 255, false, false,
          !name.equals("SystemModstamp"), false, List.of(), null, List.of(), false));
    }

    /** A text field marked External ID (so {@code upsert} may match on it), and Unique when {@code unique}. */
    ObjectDef externalId(String name, int length, boolean unique) {
      text(name, "string", length, true);
      externalIds.put(name.toLowerCase(Locale.ROOT), unique);
      return this;
    }

    /** Changes a text field's External ID and Unique attributes, as an admin editing the field would. */
    void externalId(String name, boolean externalId, boolean unique) {
      String key = field(name).orElseThrow().name().toLowerCase(Locale.ROOT);
      if (externalId) {
        externalIds.put(key, unique);
      } else {
        externalIds.remove(key);
      }
    }

    boolean isExternalId(FieldDef field) {
      return externalIds.containsKey(field.name().toLowerCase(Locale.ROOT));
    }

    /** Unique external ids: Salesforce refuses a second record with the same value (case-sensitive, as shipped). */
    boolean isUnique(FieldDef field) {
      return externalIds.getOrDefault(field.name().toLowerCase(Locale.ROOT), false);
    }

    ObjectDef child(String relationship, String childType, String field) {
      children.put(relationship.toLowerCase(Locale.ROOT), new Child(relationship, childType, field));
      return this;
    }

    Optional<FieldDef> field(String name) {
      return Optional.ofNullable(fields.get(name.toLowerCase(Locale.ROOT)));
    }

    Collection<FieldDef> fields() {
      return fields.values();
    }

    Optional<Child> childRelationship(String name) {
      return Optional.ofNullable(children.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The reference field behind a relationship name ({@code Account} is {@code AccountId}). */
    Optional<FieldDef> relationship(String name) {
      return fields.values().stream().filter(field -> name.equalsIgnoreCase(field.relationshipName())).findFirst();
    }

    private static String label(String name) {
      String base = name.endsWith("__c") ? name.substring(0, name.length() - 3).replace('_', ' ') : name;
      return base.replaceAll("([a-z])([A-Z])", "$1 $2");
    }
  }

  private final Map<String, ObjectDef> objects = new LinkedHashMap<>();

  SObjectSchema() {
    put(new ObjectDef("Account", "Accounts", "001")
        .text("Name", "string", 255, true)
        .picklist("Industry", INDUSTRIES, false)
        .text("BillingCountry", "string", 80, true)
        .reference("OwnerId", "User", "Owner", true)
        .text("NPS_Account_Score__c", "double", 0, true)
        .text("NPS_Response_Count__c", "double", 0, true)
        .text("NPS_Account_CI_Low__c", "double", 0, true)
        .text("NPS_Account_CI_High__c", "double", 0, true)
        .readOnly("CreatedDate", "datetime")
        .readOnly("SystemModstamp", "datetime")
        .child("Contacts", "Contact", "AccountId"));
    put(new ObjectDef("Contact", "Contacts", "003")
        .reference("AccountId", "Account", "Account", true)
        .text("LastName", "string", 80, true)
        .text("FirstName", "string", 40, true)
        .readOnly("Name", "string")
        .text("MailingCountry", "string", 80, true)
        .text("Phone", "phone", 40, true)
        .text("Email", "email", 80, true)
        .text("Title", "string", 128, true)
        .reference("OwnerId", "User", "Owner", true)
        .flag("HasOptedOutOfEmail", true)
        .picklist("Preferred_Language__c", LANGUAGES, false)
        .text("Time_Zone__c", "string", 64, true)
        .text("NPS_Score__c", "double", 0, true)
        .picklist("NPS_Category__c", NPS_CATEGORIES, true)
        .text("NPS_Last_Response_Date__c", "date", 0, true)
        .text("NPS_Last_Comment__c", "textarea", 32_768, true)
        .readOnly("CreatedDate", "datetime")
        .readOnly("LastModifiedDate", "datetime")
        .readOnly("SystemModstamp", "datetime")
        .child("OpportunityContactRoles", "OpportunityContactRole", "ContactId")
        .child("Cases", "Case", "ContactId"));
    put(new ObjectDef("NPS_Response__c", "NPS Responses", "a0N")
        .externalId("Invitation_Key__c", 255, true)
        .text("Score__c", "double", 0, true)
        .picklist("Category__c", NPS_CATEGORIES, true)
        .text("Comment__c", "textarea", 32_768, true)
        .text("Trigger__c", "string", 63, true)
        .text("Channel__c", "string", 16, true)
        .text("Answered_At__c", "datetime", 0, true)
        .reference("Contact__c", "Contact", "Contact__r", true)
        .reference("Account__c", "Account", "Account__r", true)
        .picklist("Follow_Up_Status__c", List.of("Open", "Closed"), true)
        .readOnly("NPS_Points__c", "double")
        .readOnly("CreatedDate", "datetime")
        .readOnly("SystemModstamp", "datetime"));
    put(new ObjectDef("Task", "Tasks", "00T")
        .reference("WhoId", "Contact", "Who", true)
        .reference("WhatId", "Account", "What", true)
        .reference("OwnerId", "User", "Owner", true)
        .add(new FieldDef("Subject", "Subject", "combobox", 255, true, true, true, false, List.of(), null,
            List.of("Call", "Send Letter", "Send Quote", "Other"), false))
        .text("Description", "textarea", 32_000, true)
        .text("ActivityDate", "date", 0, true)
        .picklist("Priority", List.of("High", "Normal", "Low"), false)
        .picklist("Status", List.of("Not Started", "In Progress", "Completed", "Waiting on someone else",
            "Deferred"), false)
        .externalId("NPS_Key__c", 255, true)
        .readOnly("IsClosed", "boolean")
        .readOnly("CompletedDateTime", "datetime")
        .readOnly("CreatedDate", "datetime")
        .readOnly("LastModifiedDate", "datetime")
        .add(new FieldDef("LastModifiedById", "Last Modified By ID", "reference", 18, false, false, false, false,
            List.of("User"), "LastModifiedBy", List.of(), false))
        .readOnly("SystemModstamp", "datetime"));
    // the org's users, for the names behind OwnerId and LastModifiedById (Owner.Name, LastModifiedBy.Name)
    put(new ObjectDef("User", "Users", "005")
        .text("FirstName", "string", 40, false)
        .text("LastName", "string", 80, false)
        .readOnly("Name", "string")
        .text("Username", "string", 80, false)
        .text("Email", "email", 128, false)
        .flag("IsActive", false)
        .readOnly("CreatedDate", "datetime")
        .readOnly("SystemModstamp", "datetime"));
    put(new ObjectDef("Opportunity", "Opportunities", "006")
        .text("Name", "string", 120, true)
        .text("Amount", "currency", 0, true)
        .picklist("StageName", List.of("Prospecting", "Qualification", "Negotiation/Review", "Closed Won",
            "Closed Lost"), false)
        .picklist("Type", List.of("New Customer", "Existing Customer - Upgrade", "Existing Customer - Renewal"),
            false)
        .picklist("LeadSource", List.of("Web", "Phone Inquiry", "Partner Referral", "Trade Show"), false)
        .text("CloseDate", "date", 0, true)
        .reference("AccountId", "Account", "Account", true)
        .reference("OwnerId", "User", "Owner", true)
        .readOnly("IsWon", "boolean")
        .readOnly("IsClosed", "boolean")
        .readOnly("CreatedDate", "datetime")
        .readOnly("SystemModstamp", "datetime")
        .child("OpportunityContactRoles", "OpportunityContactRole", "OpportunityId"));
    put(new ObjectDef("OpportunityContactRole", "Opportunity Contact Roles", "00K")
        .reference("OpportunityId", "Opportunity", "Opportunity", true)
        .reference("ContactId", "Contact", "Contact", true)
        .flag("IsPrimary", true)
        .picklist("Role", List.of("Business User", "Decision Maker", "Economic Buyer", "Technical Buyer",
            "Influencer", "Other"), false)
        .readOnly("CreatedDate", "datetime")
        .readOnly("SystemModstamp", "datetime"));
    put(new ObjectDef("Case", "Cases", "500")
        .readOnly("CaseNumber", "string")
        .reference("ContactId", "Contact", "Contact", true)
        .reference("AccountId", "Account", "Account", true)
        .reference("OwnerId", "User", "Owner", true)
        .readOnly("ClosedDate", "datetime")
        .picklist("Status", List.of("New", "Working", "Escalated", "Closed"), false)
        .picklist("Priority", List.of("High", "Medium", "Low"), false)
        .picklist("Type", List.of("Question", "Problem", "Feature Request"), false)
        .picklist("Reason", List.of("Installation", "Equipment Complexity", "Performance", "Breakdown",
            "User Education", "Other"), false)
        .picklist("Origin", List.of("Phone", "Email", "Web"), false)
        .text("Subject", "string", 255, true)
        .readOnly("IsClosed", "boolean")
        .readOnly("CreatedDate", "datetime")
        .readOnly("SystemModstamp", "datetime"));
  }

  private void put(ObjectDef object) {
    objects.put(object.name.toLowerCase(Locale.ROOT), object);
  }

  Optional<ObjectDef> object(String name) {
    return Optional.ofNullable(objects.get(name.toLowerCase(Locale.ROOT)));
  }

  ObjectDef require(String name) {
    return object(name).orElseThrow(() -> SoapFault.invalidType(name));
  }

  /** The object whose records carry this key prefix ({@code 003}: Contact). */
  Optional<ObjectDef> byPrefix(String id) {
    return objects.values().stream().filter(object -> id != null && id.startsWith(object.keyPrefix)).findFirst();
  }

  /** One {@code <result>} of {@code describeSObjects}: required elements in schema order, then the fields. */
  static String describe(ObjectDef object) {
    StringBuilder xml = new StringBuilder(16_000);
    xml.append("<result>");
    element(xml, "activateable", "false");
    nil(xml, "associateEntityType");
    nil(xml, "associateParentEntity");
    element(xml, "compactLayoutable", "true");
    element(xml, "createable", "true");
    element(xml, "custom", Boolean.toString(object.name.endsWith("__c")));
    element(xml, "customSetting", "false");
    element(xml, "deepCloneable", "false");
    nil(xml, "defaultImplementation");
    element(xml, "deletable", "true");
    element(xml, "deprecatedAndHidden", "false");
    element(xml, "feedEnabled", "true");
    for (FieldDef field : object.fields()) {
      field(xml, object, field);
    }
    element(xml, "hasSubtypes", "false");
    element(xml, "idEnabled", "true");
    nil(xml, "implementedBy");
    nil(xml, "implementsInterfaces");
    element(xml, "isInterface", "false");
    element(xml, "isSubtype", "false");
    element(xml, "keyPrefix", object.keyPrefix);
    element(xml, "label", object.name);
    element(xml, "labelPlural", object.labelPlural);
    element(xml, "layoutable", "true");
    element(xml, "mergeable", Boolean.toString(object.name.equals("Contact") || object.name.equals("Account")));
    element(xml, "mruEnabled", "true");
    element(xml, "name", object.name);
    nil(xml, "networkScopeFieldName");
    element(xml, "queryable", "true");
    element(xml, "replicateable", "true");
    element(xml, "retrieveable", "true");
    element(xml, "searchable", "true");
    element(xml, "undeletable", "true");
    element(xml, "updateable", "true");
    nil(xml, "urlDetail");
    nil(xml, "urlEdit");
    nil(xml, "urlNew");
    return xml.append("</result>").toString();
  }

  private static void field(StringBuilder xml, ObjectDef object, FieldDef field) {
    boolean external = object.isExternalId(field);
    boolean text = field.soapType().equals("xsd:string");
    int length = text ? field.length() : 0;
    xml.append("<fields>");
    element(xml, "aggregatable", Boolean.toString(!field.type().equals("textarea")));
    element(xml, "aiPredictionField", "false");
    element(xml, "autoNumber", "false");
    element(xml, "byteLength", Integer.toString(field.type().equals("id") || field.type().equals("reference")
        ? 18 : length * 3));
    element(xml, "calculated", "false");
    element(xml, "caseSensitive", Boolean.toString(object.isUnique(field)));
    element(xml, "createable", Boolean.toString(field.createable()));
    element(xml, "custom", Boolean.toString(field.custom()));
    element(xml, "defaultedOnCreate", Boolean.toString(field.type().equals("boolean") || field.type().equals("id")
        || field.name().equals("OwnerId")));
    element(xml, "deprecatedAndHidden", "false");
    element(xml, "digits", "0");
    element(xml, "externalId", Boolean.toString(external));
    element(xml, "filterable", Boolean.toString(!field.type().equals("textarea")));
    element(xml, "groupable", Boolean.toString(!field.type().equals("textarea") && !field.numeric()
        && !field.type().equals("datetime")));
    element(xml, "idLookup", Boolean.toString(field.type().equals("id") || field.type().equals("email") || external));
    element(xml, "label", field.label());
    element(xml, "length", Integer.toString(field.type().equals("id") || field.type().equals("reference")
        ? 18 : length));
    element(xml, "name", field.name());
    element(xml, "nameField", Boolean.toString(field.name().equals("Name")));
    element(xml, "nillable", Boolean.toString(field.nillable()));
    element(xml, "permissionable", Boolean.toString(field.nillable() && field.updateable()));
    for (String value : field.picklist()) {
      xml.append("<picklistValues>");
      element(xml, "active", "true");
      element(xml, "defaultValue", "false");
      element(xml, "label", PICKLIST_LABELS.getOrDefault(value, value));
      element(xml, "value", value);
      xml.append("</picklistValues>");
    }
    element(xml, "polymorphicForeignKey", Boolean.toString(field.name().equals("WhoId")
        || field.name().equals("WhatId")));
    element(xml, "precision", Integer.toString(field.numeric() ? 18 : 0));
    element(xml, "queryByDistance", "false");
    for (String target : field.referenceTo()) {
      element(xml, "referenceTo", target);
    }
    if (field.relationshipName() != null) {
      element(xml, "relationshipName", field.relationshipName());
    }
    element(xml, "restrictedPicklist", Boolean.toString(field.restricted()));
    element(xml, "scale", Integer.toString(field.numeric() ? 2 : 0));
    element(xml, "searchPrefilterable", "false");
    element(xml, "soapType", field.soapType());
    element(xml, "type", field.type());
    element(xml, "unique", Boolean.toString(object.isUnique(field)));
    element(xml, "updateable", Boolean.toString(field.updateable()));
    xml.append("</fields>");
  }

  private static void element(StringBuilder xml, String name, String value) {
    xml.append('<').append(name).append('>').append(SoapXml.escape(value)).append("</").append(name).append('>');
  }

  private static void nil(StringBuilder xml, String name) {
    xml.append('<').append(name).append(" xsi:nil=\"true\"/>");
  }

  /** Every object name, for messages. */
  List<String> names() {
    List<String> names = new ArrayList<>();
    objects.values().forEach(object -> names.add(object.name));
    return names;
  }
}
