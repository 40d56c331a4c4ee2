package io.npsconnector.salesforce.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The Salesforce DX source in {@code src/main/salesforce} (the NPS fields and the permission set an
 * admin deploys) is well formed and consistent: the manifest, the permission set and the field files
 * name the same fields.
 */
class DxSourceTest {
  private static final Path ROOT = Path.of("src", "main", "salesforce");
  private static final Path DEFAULT_DIR = ROOT.resolve(Path.of("force-app", "main", "default"));
  private static final Path OBJECTS = DEFAULT_DIR.resolve("objects");
  private static final Path PERMISSION_SETS = DEFAULT_DIR.resolve("permissionsets");
  private static final Path PACKAGE_XML = ROOT.resolve(Path.of("manifest", "package.xml"));
  private static final Path PROJECT_JSON = ROOT.resolve("sfdx-project.json");
  private static final String NS = "http://soap.sforce.com/2006/04/metadata";
  private static final String FIELD_SUFFIX = ".field-meta.xml";
  private static final String PERMSET_SUFFIX = ".permissionset-meta.xml";
  /** Root element of each kind of source file, by the end of its name. */
  private static final Map<String, String> ROOTS = Map.ofEntries(Map.entry(FIELD_SUFFIX, "CustomField"),
      Map.entry(PERMSET_SUFFIX, "PermissionSet"), Map.entry(".object-meta.xml", "CustomObject"),
      Map.entry(".listView-meta.xml", "ListView"), Map.entry(".cls-meta.xml", "ApexClass"),
      Map.entry(".js-meta.xml", "LightningComponentBundle"), Map.entry(".flexipage-meta.xml", "FlexiPage"),
      Map.entry(".tab-meta.xml", "CustomTab"), Map.entry(".reportType-meta.xml", "ReportType"),
      Map.entry(".reportFolder-meta.xml", "ReportFolder"), Map.entry(".report-meta.xml", "Report"));

  @Test
  void everyXmlFileIsWellFormedMetadata() throws IOException {
    List<Path> files = xmlFiles();
    // six fields, one permission set, the manifest
    assertThat(files).hasSizeGreaterThanOrEqualTo(8);
    for (Path file : files) {
      Element root = parse(file).getDocumentElement();
      assertThat(root.getNamespaceURI()).as("namespace of %s", file).isEqualTo(NS);
      String name = file.getFileName().toString();
      String expectedRoot = name.equals("package.xml") ? "Package" : ROOTS.entrySet().stream()
          .filter(kind -> name.endsWith(kind.getKey())).map(Map.Entry::getValue).findFirst().orElse(null);
      assertThat(expectedRoot).as("unexpected XML file %s", file).isNotNull();
      assertThat(root.getLocalName()).as("root element of %s", file).isEqualTo(expectedRoot);
    }
  }

  @Test
  void fieldFilesAreNamedAfterTheirFullName() throws IOException {
    Map<String, Path> fields = fieldFiles();
    assertThat(fields.keySet()).filteredOn(field -> field.startsWith("Contact.")).hasSize(4);
    assertThat(fields.keySet()).filteredOn(field -> field.startsWith("Account.")).hasSize(4);
    assertThat(fields.keySet()).filteredOn(field -> field.startsWith("NPS_Response__c.")).hasSize(11);
    for (Map.Entry<String, Path> field : fields.entrySet()) {
      Element root = parse(field.getValue()).getDocumentElement();
      String apiName = field.getKey().substring(field.getKey().indexOf('.') + 1);
      assertThat(apiName).endsWith("__c");
      assertThat(text(root, "fullName")).as("fullName in %s", field.getValue()).isEqualTo(apiName);
      assertThat(text(root, "label")).as("label in %s", field.getValue()).isNotBlank();
      assertThat(text(root, "description")).as("description in %s", field.getValue()).isNotBlank();
      assertThat(text(root, "inlineHelpText")).as("help text in %s", field.getValue()).isNotBlank();
      assertThat(text(root, "required")).as("required in %s", field.getValue()).isEqualTo("false");
    }
  }

  @Test
  void manifestListsExactlyTheFieldFilesAndThePermissionSet() throws IOException {
    Map<String, Set<String>> types = manifestTypes();
    assertThat(types.keySet()).contains("CustomField", "PermissionSet");
    assertThat(types.get("CustomField")).isNotEmpty().isEqualTo(fieldFiles().keySet());
    assertThat(types.get("PermissionSet")).containsExactlyInAnyOrder("NPS_Connector", "NPS_Admin", "NPS_Viewer")
        .isEqualTo(permissionSetNames());
    // and every other piece of source, named as Salesforce names its members
    assertThat(types).isEqualTo(sourceMembers());
  }

  @Test
  void permissionSetGrantsEditOnExactlyTheFields() throws IOException {
    Element root = parse(PERMISSION_SETS.resolve("NPS_Connector" + PERMSET_SUFFIX)).getDocumentElement();
    assertThat(text(root, "label")).isEqualTo("NPS Connector");
    assertThat(text(root, "hasActivationRequired")).isEqualTo("false");

    Set<String> formulas = formulaFields();
    Set<String> granted = new TreeSet<>();
    for (Element permission : children(root, "fieldPermissions")) {
      String field = text(permission, "field");
      // a formula field is computed: readable only (Salesforce refuses edit access to it)
      assertThat(text(permission, "editable")).as("editable on %s", field)
          .isEqualTo(formulas.contains(field) ? "false" : "true");
      assertThat(text(permission, "readable")).as("readable on %s", field).isEqualTo("true");
      assertThat(granted.add(field)).as("%s listed twice", field).isTrue();
    }
    // a custom Activity field is granted as a Task field (Event mirrors it): the permission set names Task
    assertThat(granted).isNotEmpty().isEqualTo(fieldFiles().keySet().stream()
        .map(field -> field.startsWith("Activity.") ? "Task" + field.substring("Activity".length()) : field)
        .collect(java.util.stream.Collectors.toCollection(TreeSet::new)));

    Map<String, Element> objects = new TreeMap<>();
    for (Element permission : children(root, "objectPermissions")) {
      objects.put(text(permission, "object"), permission);
    }
    // Task has no object permissions in a permission set: the Edit Tasks user permission grants it
    assertThat(objects.keySet()).containsExactlyInAnyOrder("Contact", "Account", "NPS_Response__c");
    // upsert creates and edits response records; nothing is ever deleted
    Element responses = objects.get("NPS_Response__c");
    assertThat(text(responses, "allowCreate")).isEqualTo("true");
    assertThat(text(responses, "allowRead")).isEqualTo("true");
    assertThat(text(responses, "allowEdit")).isEqualTo("true");
    assertThat(text(responses, "allowDelete")).isEqualTo("false");
    assertThat(text(responses, "viewAllRecords")).isEqualTo("false");
    assertThat(text(responses, "modifyAllRecords")).isEqualTo("false");
    for (String object : List.of("Contact", "Account")) {
      assertThat(text(objects.get(object), "allowRead")).as("read on %s", object).isEqualTo("true");
      assertThat(text(objects.get(object), "allowEdit")).as("edit on %s", object).isEqualTo("true");
      assertThat(text(objects.get(object), "allowDelete")).as("delete on %s", object).isEqualTo("false");
      assertThat(text(objects.get(object), "modifyAllRecords")).as("modify all on %s", object).isEqualTo("false");
      assertThat(text(objects.get(object), "viewAllRecords")).as("view all on %s", object).isEqualTo("false");
    }
    Set<String> userPermissions = new TreeSet<>();
    for (Element permission : children(root, "userPermissions")) {
      assertThat(text(permission, "enabled")).isEqualTo("true");
      userPermissions.add(text(permission, "name"));
    }
    assertThat(userPermissions).containsExactly("ApiEnabled", "EditTask");
  }

  @Test
  void categoryIsARestrictedPicklistOfTheThreeCategories() throws IOException {
    Element root = parse(OBJECTS.resolve(Path.of("Contact", "fields", "NPS_Category__c" + FIELD_SUFFIX)))
        .getDocumentElement();
    assertThat(text(root, "type")).isEqualTo("Picklist");
    Element valueSet = single(root, "valueSet");
    assertThat(text(valueSet, "restricted")).isEqualTo("true");
    Element definition = single(valueSet, "valueSetDefinition");
    assertThat(text(definition, "sorted")).isEqualTo("false");

    List<String> values = new ArrayList<>();
    for (Element value : children(definition, "value")) {
      assertThat(text(value, "label")).isEqualTo(text(value, "fullName"));
      assertThat(text(value, "default")).isEqualTo("false");
      values.add(text(value, "fullName"));
    }
    assertThat(values).containsExactly("Promoter", "Passive", "Detractor");
  }

  @Test
  void theTaskKeyIsAUniqueCaseSensitiveExternalIdSoThatUpsertFindsExactlyOneTask() throws IOException {
    Element root = parse(OBJECTS.resolve(Path.of("Activity", "fields", "NPS_Key__c" + FIELD_SUFFIX)))
        .getDocumentElement();
    assertThat(text(root, "type")).isEqualTo("Text");
    assertThat(text(root, "externalId")).isEqualTo("true");
    assertThat(text(root, "unique")).isEqualTo("true");
    assertThat(text(root, "caseSensitive")).isEqualTo("true");
    assertThat(Integer.parseInt(text(root, "length"))).isEqualTo(255);
  }

  @Test
  void projectApiVersionMatchesTheManifest() throws IOException {
    JsonNode project = new ObjectMapper().readTree(PROJECT_JSON.toFile());
    JsonNode sourceApiVersion = project.path("sourceApiVersion");
    assertThat(sourceApiVersion.isTextual()).as("sourceApiVersion is a string").isTrue();
    String version = text(parse(PACKAGE_XML).getDocumentElement(), "version");
    assertThat(sourceApiVersion.asText()).matches("\\d+\\.0").isEqualTo(version);

    JsonNode directories = project.path("packageDirectories");
    assertThat(directories.isArray()).isTrue();
    assertThat(directories.size()).isEqualTo(1);
    assertThat(directories.get(0).path("path").asText()).isEqualTo("force-app");
    assertThat(directories.get(0).path("default").asBoolean()).isTrue();
  }

  // --- files

  /** The source's XML files; the Node packages of the Jest set-up are not source. */
  private static List<Path> xmlFiles() throws IOException {
    assertThat(ROOT).as("run from the module directory").isDirectory();
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files.filter(Files::isRegularFile).filter(file -> file.toString().endsWith(".xml"))
          .filter(file -> !ROOT.relativize(file).startsWith("node_modules")).sorted().toList();
    }
  }

  /** Manifest type to members, as Salesforce names the members of each file in {@code force-app}. */
  private static Map<String, Set<String>> sourceMembers() throws IOException {
    Map<String, Set<String>> members = new TreeMap<>();
    try (Stream<Path> files = Files.walk(DEFAULT_DIR)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        List<String> parts = new ArrayList<>();
        DEFAULT_DIR.relativize(file).forEach(part -> parts.add(part.toString()));
        String name = parts.get(parts.size() - 1);
        if (parts.contains("__tests__")) {
          continue;
        }
        String[] member = name.endsWith(FIELD_SUFFIX) ? new String[] {"CustomField", parts.get(1) + "." + strip(name)}
            : name.endsWith(".listView-meta.xml") ? new String[] {"ListView", parts.get(1) + "." + strip(name)}
            : name.endsWith(".report-meta.xml") ? new String[] {"Report", parts.get(1) + "/" + strip(name)}
            : name.endsWith(".reportFolder-meta.xml") ? new String[] {"Report", strip(name)}
            : name.endsWith(".js-meta.xml") ? new String[] {"LightningComponentBundle", parts.get(1)}
            : name.endsWith(".cls") ? new String[] {"ApexClass", name.substring(0, name.length() - 4)}
            : name.endsWith("-meta.xml") && !name.endsWith(".cls-meta.xml") ? new String[] {type(name), strip(name)}
            : null;
        if (member != null) {
          members.computeIfAbsent(member[0], key -> new TreeSet<>()).add(member[1]);
        }
      }
    }
    return members;
  }

  private static String strip(String fileName) {
    return fileName.substring(0, fileName.indexOf('.'));
  }

  private static String type(String fileName) {
    return ROOTS.entrySet().stream().filter(root -> fileName.endsWith(root.getKey())).map(Map.Entry::getValue)
        .findFirst().orElseThrow(() -> new AssertionError("unexpected file " + fileName));
  }

  /** {@code Object.Field__c} of every field with a {@code <formula>}. */
  private static Set<String> formulaFields() throws IOException {
    Set<String> formulas = new TreeSet<>();
    for (Map.Entry<String, Path> field : fieldFiles().entrySet()) {
      if (!children(parse(field.getValue()).getDocumentElement(), "formula").isEmpty()) {
        formulas.add(field.getKey());
      }
    }
    return formulas;
  }

  /** {@code Object.Field__c} to the file, for every {@code objects/<Object>/fields/<Field__c>.field-meta.xml}. */
  private static Map<String, Path> fieldFiles() throws IOException {
    Map<String, Path> fields = new TreeMap<>();
    try (Stream<Path> objects = Files.list(OBJECTS)) {
      for (Path object : objects.filter(Files::isDirectory).sorted().toList()) {
        Path fieldDir = object.resolve("fields");
        if (!Files.isDirectory(fieldDir)) {
          continue;
        }
        try (Stream<Path> files = Files.list(fieldDir)) {
          for (Path file : files.sorted().toList()) {
            String name = file.getFileName().toString();
            assertThat(name).as("file in %s", fieldDir).endsWith(FIELD_SUFFIX);
            String field = name.substring(0, name.length() - FIELD_SUFFIX.length());
            fields.put(object.getFileName() + "." + field, file);
          }
        }
      }
    }
    return fields;
  }

  private static Set<String> permissionSetNames() throws IOException {
    try (Stream<Path> files = Files.list(PERMISSION_SETS)) {
      Set<String> names = new TreeSet<>();
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        assertThat(name).as("file in %s", PERMISSION_SETS).endsWith(PERMSET_SUFFIX);
        names.add(name.substring(0, name.length() - PERMSET_SUFFIX.length()));
      }
      return names;
    }
  }

  private static Map<String, Set<String>> manifestTypes() throws IOException {
    Element root = parse(PACKAGE_XML).getDocumentElement();
    Map<String, Set<String>> types = new TreeMap<>();
    for (Element type : children(root, "types")) {
      String name = text(type, "name");
      Set<String> members = new TreeSet<>();
      for (Element member : children(type, "members")) {
        assertThat(members.add(member.getTextContent().trim())).as("%s listed twice", member.getTextContent()).isTrue();
      }
      assertThat(types.put(name, members)).as("type %s listed twice", name).isNull();
    }
    return types;
  }

  private static Document parse(Path file) {
    return MetadataXml.parse(file);
  }

  private static List<Element> children(Element parent, String name) {
    return MetadataXml.children(parent, name);
  }

  private static Element single(Element parent, String name) {
    return MetadataXml.single(parent, name);
  }

  private static String text(Element parent, String name) {
    return MetadataXml.text(parent, name);
  }
}
