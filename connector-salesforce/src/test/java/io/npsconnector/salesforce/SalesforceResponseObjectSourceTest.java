package io.npsconnector.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import com.sforce.soap.partner.FieldType;

import io.npsconnector.salesforce.metadata.MetadataXml;

/**
 * What the adapter expects of the NPS Response object agrees with the DX source an admin deploys: every
 * field it writes exists with the type it sends and is granted in every permission set with the right
 * access (the integration user and NPS Admin edit, NPS Viewer reads), and every name is one Salesforce
 * accepts.
 */
class SalesforceResponseObjectSourceTest {
  private static final Path DEFAULT_DIR = Path.of("src", "main", "salesforce", "force-app", "main", "default");
  private static final Path OBJECT_DIR = DEFAULT_DIR.resolve(Path.of("objects", SalesforceResponseObject.OBJECT));
  private static final Path PERMISSION_SETS = DEFAULT_DIR.resolve("permissionsets");
  /** Metadata field type to the type describeSObjects reports for it. */
  private static final Map<String, FieldType> DESCRIBED_AS = Map.of("Number", FieldType._double, "Picklist",
      FieldType.picklist, "LongTextArea", FieldType.textarea, "Text", FieldType.string, "DateTime",
      FieldType.datetime, "Lookup", FieldType.reference, "Date", FieldType.date);
  /** Letters, digits and single underscores, starting with a letter, not ending with one: then {@code __c}. */
  private static final Pattern CUSTOM_NAME = Pattern.compile("[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_)__c");

  @Test
  void everyWrittenFieldExistsWithTheTypeTheAdapterSends() {
    Map<String, Element> fields = fieldFiles();
    for (Map.Entry<String, Set<FieldType>> written : SalesforceResponseObject.WRITTEN.entrySet()) {
      Element field = fields.get(written.getKey());
      assertThat(field).as("%s in %s", written.getKey(), OBJECT_DIR).isNotNull();
      String type = MetadataXml.text(field, "type");
      assertThat(DESCRIBED_AS).as("known metadata type %s", type).containsKey(type);
      assertThat(written.getValue()).as("type of %s", written.getKey()).contains(DESCRIBED_AS.get(type));
      assertThat(MetadataXml.children(field, "formula")).as("%s is written, not computed", written.getKey())
          .isEmpty();
    }
    for (String computed : SalesforceResponseObject.READ_ONLY) {
      assertThat(fields).containsKey(computed);
      assertThat(MetadataXml.children(fields.get(computed), "formula")).as("%s is a formula", computed).hasSize(1);
    }
    assertThat(fields.keySet()).as("no field the adapter does not know")
        .containsExactlyInAnyOrderElementsOf(concat(SalesforceResponseObject.WRITTEN.keySet(),
            SalesforceResponseObject.READ_ONLY));
  }

  @Test
  void theKeyIsAUniqueCaseSensitiveExternalId() {
    Element key = fieldFiles().get(SalesforceResponseObject.KEY);
    assertThat(MetadataXml.text(key, "externalId")).isEqualTo("true");
    assertThat(MetadataXml.text(key, "unique")).isEqualTo("true");
    assertThat(MetadataXml.text(key, "caseSensitive")).isEqualTo("true");
    assertThat(Integer.parseInt(MetadataXml.text(key, "length"))).isGreaterThanOrEqualTo(64);
  }

  @Test
  void lookupsPointAtContactAndAccountAndSurviveTheirDeletion() {
    Map<String, Element> fields = fieldFiles();
    for (String lookup : List.of("Contact", "Account")) {
      Element field = fields.get(lookup + "__c");
      assertThat(MetadataXml.text(field, "referenceTo")).isEqualTo(lookup);
      // a required or restricting lookup would make deleting a contact fail or lose answers
      assertThat(MetadataXml.text(field, "deleteConstraint")).isEqualTo("SetNull");
      assertThat(MetadataXml.text(field, "relationshipName")).isEqualTo("NPS_Responses");
    }
  }

  @Test
  void categoriesMatchTheContactField() {
    Element category = fieldFiles().get("Category__c");
    List<String> values = new ArrayList<>();
    Element definition = MetadataXml.single(MetadataXml.single(category, "valueSet"), "valueSetDefinition");
    for (Element value : MetadataXml.children(definition, "value")) {
      values.add(MetadataXml.text(value, "fullName"));
    }
    assertThat(values).containsExactly("Promoter", "Passive", "Detractor");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NPS_Connector", "NPS_Admin"})
  void writersMayEditEveryWrittenFieldAndReadTheComputedOnes(String permissionSet) {
    Map<String, Element> granted = fieldPermissions(permissionSet);
    for (String field : SalesforceResponseObject.WRITTEN.keySet()) {
      Element permission = granted.get(SalesforceResponseObject.OBJECT + "." + field);
      assertThat(permission).as("%s in %s", field, permissionSet).isNotNull();
      assertThat(MetadataXml.text(permission, "readable")).isEqualTo("true");
      assertThat(MetadataXml.text(permission, "editable")).as("edit on %s in %s", field, permissionSet)
          .isEqualTo("true");
    }
    for (String field : SalesforceResponseObject.READ_ONLY) {
      Element permission = granted.get(SalesforceResponseObject.OBJECT + "." + field);
      assertThat(MetadataXml.text(permission, "readable")).isEqualTo("true");
      assertThat(MetadataXml.text(permission, "editable")).isEqualTo("false");
    }
    Element object = objectPermission(permissionSet, SalesforceResponseObject.OBJECT);
    assertThat(MetadataXml.text(object, "allowCreate")).isEqualTo("true");
    assertThat(MetadataXml.text(object, "allowEdit")).isEqualTo("true");
    assertThat(MetadataXml.text(object, "allowRead")).isEqualTo("true");
  }

  @Test
  void viewersReadEveryNpsFieldAndChangeNothing() {
    Map<String, Element> granted = fieldPermissions("NPS_Viewer");
    assertThat(granted.keySet()).as("the response fields and the Contact and Account NPS fields")
        .containsExactlyInAnyOrderElementsOf(fieldPermissions("NPS_Connector").keySet());
    granted.forEach((field, permission) -> {
      assertThat(MetadataXml.text(permission, "readable")).as("read on %s", field).isEqualTo("true");
      assertThat(MetadataXml.text(permission, "editable")).as("edit on %s", field).isEqualTo("false");
    });
    Element object = objectPermission("NPS_Viewer", SalesforceResponseObject.OBJECT);
    assertThat(MetadataXml.text(object, "allowRead")).isEqualTo("true");
    for (String denied : List.of("allowCreate", "allowEdit", "allowDelete", "viewAllRecords", "modifyAllRecords")) {
      assertThat(MetadataXml.text(object, denied)).as(denied).isEqualTo("false");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"NPS_Admin", "NPS_Viewer"})
  void peopleWhoSeeTheComponentMayRunItsController(String permissionSet) {
    Element root = MetadataXml.parse(PERMISSION_SETS.resolve(permissionSet + ".permissionset-meta.xml"))
        .getDocumentElement();
    List<Element> classes = MetadataXml.children(root, "classAccesses");
    assertThat(classes).hasSize(1);
    assertThat(MetadataXml.text(classes.get(0), "apexClass")).isEqualTo("NpsRecordController");
    assertThat(MetadataXml.text(classes.get(0), "enabled")).isEqualTo("true");
    assertThat(MetadataXml.children(root, "userPermissions")).as("no system permission").isEmpty();
  }

  @Test
  void theControllerEnforcesSharing() throws IOException {
    String controller = Files.readString(DEFAULT_DIR.resolve(Path.of("classes", "NpsRecordController.cls")));
    assertThat(controller).contains("public with sharing class NpsRecordController")
        .doesNotContain("without sharing");
    String tests = Files.readString(DEFAULT_DIR.resolve(Path.of("classes", "NpsRecordControllerTest.cls")));
    assertThat(tests).startsWith("@IsTest").contains("Assert.");
  }

  @Test
  void everyCustomNameIsOneSalesforceAccepts() throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.walk(DEFAULT_DIR.resolve("objects"))) {
      files.filter(Files::isRegularFile).forEach(file -> {
        String name = file.getFileName().toString();
        names.add(name.substring(0, name.indexOf('.')));
      });
    }
    names.add(SalesforceResponseObject.OBJECT);
    for (String name : names) {
      if (name.endsWith("__c")) {
        assertThat(name).as("API name").matches(CUSTOM_NAME);
        // 40 characters for the name, __c added by Salesforce
        assertThat(name.length() - 3).as("length of %s", name).isLessThanOrEqualTo(40);
      }
    }
    assertThat(names).contains("Score__c", "Invitation_Key__c", "Open_Detractors", "All");
    for (String flexiPage : List.of("NPS_Contact_Record_Page", "NPS_Account_Record_Page")) {
      Element page = MetadataXml.parse(DEFAULT_DIR.resolve(Path.of("flexipages", flexiPage + ".flexipage-meta.xml")))
          .getDocumentElement();
      assertThat(Files.readString(DEFAULT_DIR.resolve(Path.of("flexipages", flexiPage + ".flexipage-meta.xml"))))
          .as("%s places the component", flexiPage).contains("<componentName>npsRecordCard</componentName>");
      assertThat(MetadataXml.text(page, "type")).isEqualTo("RecordPage");
    }
  }

  private static Map<String, Element> fieldFiles() {
    Map<String, Element> fields = new TreeMap<>();
    try (Stream<Path> files = Files.list(OBJECT_DIR.resolve("fields"))) {
      files.forEach(file -> {
        Element root = MetadataXml.parse(file).getDocumentElement();
        String fileName = file.getFileName().toString();
        assertThat(fileName).endsWith(".field-meta.xml");
        assertThat(MetadataXml.text(root, "fullName")).isEqualTo(fileName.substring(0, fileName.indexOf('.')));
        fields.put(MetadataXml.text(root, "fullName"), root);
      });
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return fields;
  }

  private static Map<String, Element> fieldPermissions(String permissionSet) {
    Element root = MetadataXml.parse(PERMISSION_SETS.resolve(permissionSet + ".permissionset-meta.xml"))
        .getDocumentElement();
    Map<String, Element> granted = new LinkedHashMap<>();
    for (Element permission : MetadataXml.children(root, "fieldPermissions")) {
      assertThat(granted.put(MetadataXml.text(permission, "field"), permission)).isNull();
    }
    return granted;
  }

  private static Element objectPermission(String permissionSet, String object) {
    Element root = MetadataXml.parse(PERMISSION_SETS.resolve(permissionSet + ".permissionset-meta.xml"))
        .getDocumentElement();
    return MetadataXml.children(root, "objectPermissions").stream()
        .filter(permission -> MetadataXml.text(permission, "object").equals(object)).findFirst()
        .orElseThrow(() -> new AssertionError(permissionSet + " grants nothing on " + object));
  }

  private static List<String> concat(Set<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
