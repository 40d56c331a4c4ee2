package io.npsconnector.hubspot;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.npsconnector.config.WritebackConfig;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.hubspot.client.Budget;
import io.npsconnector.hubspot.client.HubSpotApiException;
import io.npsconnector.hubspot.client.HubSpotClient;
import io.npsconnector.hubspot.client.HubSpotResponse;
import io.npsconnector.hubspot.dto.PropertyBatchResponse;
import io.npsconnector.hubspot.dto.PropertyDefinition;
import io.npsconnector.hubspot.dto.PropertyGroup;
import io.npsconnector.hubspot.dto.WriteError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The HubSpot properties the connector writes: on contacts the score, category, response date and
 * comment; on companies the rolled-up NPS and its response count, under the names
 * {@link WritebackConfig} gives; on tasks and notes {@value HubSpotWriter#KEY_PROPERTY}, the engine's key by
 * which a resubmitted answer or a retried write finds the task or note it made before.
 *
 * <p>{@link #describeFields()} reads each object's property list (one call per object) and judges every
 * property: missing, present, incompatible (wrong type or field type, or an enumeration lacking one of
 * promoter, passive, detractor) or not writable (calculated or read-only). {@link #installFields()}
 * creates the missing ones in an {@value #GROUP} group, one batch call per object, and nothing when
 * nothing is missing; it never changes an existing property: an incompatible one is an error before
 * anything is created.
 *
 * <p>Thread-safe; throws {@link CrmException} when HubSpot fails.
 */
public final class HubSpotFieldInstaller {
  /** The property group the connector's properties are created in. */
  public static final String GROUP = "nps";
  static final String GROUP_LABEL = "NPS";
  static final String CONTACTS = "contacts";
  static final String COMPANIES = "companies";
  static final String TASKS = "tasks";
  static final String NOTES = "notes";
  static final String DESCRIBE = "read the %s properties";
  static final String INSTALL = "install the NPS properties";
  private static final Set<String> OPTIONS = Set.of("promoter", "passive", "detractor");

  private final HubSpotClient client;
  private final List<Needed> needed;

  public HubSpotFieldInstaller(HubSpotClient client, WritebackConfig writeback) {
    this.client = Objects.requireNonNull(client, "client");
    Map<String, String> contact = writeback.contactFields(HubSpotSettings.TYPE, HubSpotSettings.DEFAULT_CONTACT_FIELDS);
    Map<String, String> account = writeback.accountFields(HubSpotSettings.TYPE, HubSpotSettings.DEFAULT_ACCOUNT_FIELDS);
    this.needed = List.of(
        new Needed(CONTACTS, "writeback.contact-fields.hubspot.score", definition(contact, "score", "NPS score",
            "number", "number", "The contact's latest Net Promoter Score answer, 0 to 10.", null), Set.of("number")),
        new Needed(CONTACTS, "writeback.contact-fields.hubspot.category", definition(contact, "category",
            "NPS category", "enumeration", "select", "Promoter (9-10), passive (7-8) or detractor (0-6).", List.of(
                new PropertyDefinition.Option("Promoter", "promoter", 0, false),
                new PropertyDefinition.Option("Passive", "passive", 1, false),
                new PropertyDefinition.Option("Detractor", "detractor", 2, false))), Set.of("select", "radio")),
        new Needed(CONTACTS, "writeback.contact-fields.hubspot.responded-at", definition(contact, "responded-at",
            "NPS last response date", "date", "date", "When the contact last answered the NPS survey.", null),
            Set.of("date")),
        new Needed(CONTACTS, "writeback.contact-fields.hubspot.comment", definition(contact, "comment",
            "NPS last comment", "string", "textarea", "The comment of the contact's latest NPS answer.", null),
            Set.of("textarea", "text")),
        new Needed(COMPANIES, "writeback.account-fields.hubspot.nps", definition(account, "nps", "Account NPS",
            "number", "number", "NPS of the company's contacts over the trailing window, -100 to 100.", null),
            Set.of("number")),
        new Needed(COMPANIES, "writeback.account-fields.hubspot.responses", definition(account, "responses",
            "NPS responses", "number", "number", "How many NPS answers the company's NPS is computed from.", null),
            Set.of("number")),
        new Needed(COMPANIES, "writeback.account-fields.hubspot.ci-low", definition(account, "ci-low",
            "Account NPS 95% low", "number", "number", "Lower bound of the 95 % interval of the company's NPS "
                + "(adjusted Wald), -100 to 100; empty without answers.", null), Set.of("number")),
        new Needed(COMPANIES, "writeback.account-fields.hubspot.ci-high", definition(account, "ci-high",
            "Account NPS 95% high", "number", "number", "Upper bound of the 95 % interval of the company's NPS "
                + "(adjusted Wald), -100 to 100; empty without answers.", null), Set.of("number")),
        key(TASKS, "the follow-up task"),
        key(NOTES, "the timeline note"));
  }

  /** The engine's key on tasks or notes: not configurable, the writer looks records up by it. */
  private static Needed key(String object, String what) {
    return new Needed(object, "the key by which a rewrite finds " + what, PropertyDefinition.of(
        HubSpotWriter.KEY_PROPERTY, "NPS key", "string", "text", GROUP, "npsconnector's key of the answer "
            + what + " belongs to; do not edit. Written by npsconnector.", null), Set.of("text"));
  }

  private static PropertyDefinition definition(Map<String, String> fields, String key, String label, String type,
      String fieldType, String description, List<PropertyDefinition.Option> options) {
    String name = fields.get(key);
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("the writeback configuration names no HubSpot property for '" + key + "'");
    }
    return PropertyDefinition.of(name, label, type, fieldType, GROUP, description + " Written by npsconnector.",
        options);
  }

  /**
   * One property the connector writes.
   *
   * @param fieldTypes the field types that hold the value as well as the one created (a radio works like a
   *     select, a single-line text like a text area)
   */
  private record Needed(String object, String configPath, PropertyDefinition expected, Set<String> fieldTypes) {
    String name() {
      return expected.name();
    }
  }

  /** What a portal has for one needed property, and why it will not do. */
  private record Judged(Needed needed, FieldReport.State state, String problem) {}

  /** The needed properties and the state of each. */
  public FieldReport describeFields() {
    return report(judge(read()));
  }

  /**
   * Creates the missing properties (and their group), leaving existing ones alone.
   *
   * @throws CrmException.Data naming every incompatible or read-only property, before anything is created
   */
  public FieldReport installFields() {
    Map<String, Map<String, PropertyDefinition>> existing = read();
    List<Judged> judged = judge(existing);
    List<String> blocking = judged.stream()
        .filter(j -> j.state() == FieldReport.State.INCOMPATIBLE || j.state() == FieldReport.State.NOT_WRITABLE)
        .map(Judged::problem)
        .toList();
    if (!blocking.isEmpty()) {
      throw new CrmException.Data(client.connection(), INSTALL, "INCOMPATIBLE_PROPERTY",
          String.join("; ", blocking) + "; nothing was created or changed", null);
    }
    List<Judged> result = new ArrayList<>(judged);
    for (String object : objects()) {
      List<Needed> missing = judged.stream()
          .filter(j -> j.state() == FieldReport.State.MISSING && j.needed().object().equals(object))
          .map(Judged::needed)
          .toList();
      if (missing.isEmpty()) {
        continue;
      }
      boolean groupExists = existing.get(object).values().stream().anyMatch(p -> GROUP.equals(p.groupName()));
      if (!groupExists) {
        createGroup(object);
      }
      Map<String, Judged> created = create(object, missing);
      result.replaceAll(j -> created.getOrDefault(j.needed().configPath(), j));
    }
    return report(result);
  }

  // ---- reading and judging ----

  private List<String> objects() {
    return needed.stream().map(Needed::object).distinct().toList();
  }

  /** Per object, its properties by name: one call per object. */
  private Map<String, Map<String, PropertyDefinition>> read() {
    Map<String, Map<String, PropertyDefinition>> existing = new LinkedHashMap<>();
    for (String object : objects()) {
      existing.put(object, read(object));
    }
    return existing;
  }

  private Map<String, PropertyDefinition> read(String object) {
    String operation = String.format(Locale.ROOT, DESCRIBE, object);
    HubSpotResponse response = call(() -> client.get(operation, "/crm/v3/properties/" + object, Map.of(),
        Budget.STANDARD));
    return answer(operation, response).results().stream()
        .filter(property -> property.name() != null)
        .collect(Collectors.toMap(PropertyDefinition::name, Function.identity(), (a, b) -> a));
  }

  private List<Judged> judge(Map<String, Map<String, PropertyDefinition>> existing) {
    return needed.stream().map(n -> judge(n, existing.get(n.object()).get(n.name()))).toList();
  }

  private static Judged judge(Needed needed, PropertyDefinition found) {
    PropertyDefinition expected = needed.expected();
    String property = needed.object() + " property '" + needed.name() + "' (" + needed.configPath() + ")";
    if (found == null) {
      return new Judged(needed, FieldReport.State.MISSING, property + " is missing; the field installer creates it as "
          + expected.kind());
    }
    String keep = needed.configPath().startsWith("writeback.")
        ? "; it is left unchanged: point " + needed.configPath() + " at another property, or change or delete it in "
            + "HubSpot"
        : "; it is left unchanged: change or delete it in HubSpot";
    if (!expected.type().equals(found.type()) || !needed.fieldTypes().contains(found.fieldType())) {
      return new Judged(needed, FieldReport.State.INCOMPATIBLE, property + " has type " + found.kind()
          + ", expected " + expected.kind() + keep);
    }
    Set<String> lacking = new TreeSet<>(OPTIONS);
    lacking.removeAll(found.optionValues());
    if ("enumeration".equals(expected.type()) && !lacking.isEmpty()) {
      return new Judged(needed, FieldReport.State.INCOMPATIBLE, property + " lacks the option"
          + (lacking.size() == 1 ? " " : "s ") + String.join(", ", lacking) + " (values must be exactly promoter, "
          + "passive and detractor)" + keep);
    }
    if (!found.valueWritable()) {
      return new Judged(needed, FieldReport.State.NOT_WRITABLE, property + " is calculated or read-only in HubSpot"
          + keep);
    }
    return new Judged(needed, FieldReport.State.PRESENT, null);
  }

  private static FieldReport report(List<Judged> judged) {
    return new FieldReport(
        judged.stream().map(j -> new FieldReport.Field(j.needed().object(), j.needed().name(), j.state())).toList(),
        judged.stream().map(Judged::problem).filter(Objects::nonNull).toList());
  }

  // ---- creating ----

  private void createGroup(String object) {
    try {
      client.post("create the " + object + " property group '" + GROUP + "'", "/crm/v3/properties/" + object
          + "/groups", new PropertyGroup(GROUP, GROUP_LABEL), Budget.STANDARD);
    } catch (HubSpotApiException e) {
      if (e.status() != 409) { // 409: it is there already
        throw HubSpotErrors.crmException(client.connection(), e);
      }
    }
  }

  /** Creates the missing properties of one object; returns the new state of each, by config path. */
  private Map<String, Judged> create(String object, List<Needed> missing) {
    String operation = "create the " + object + " properties "
        + missing.stream().map(Needed::name).collect(Collectors.joining(", "));
    PropertyBatchResponse answer;
    try {
      HubSpotResponse response = client.post(operation, "/crm/v3/properties/" + object + "/batch/create",
          Map.of("inputs", missing.stream().map(Needed::expected).toList()), Budget.STANDARD);
      answer = answer(operation, response);
    } catch (HubSpotApiException e) {
      if (e.status() != 409) {
        throw HubSpotErrors.crmException(client.connection(), e);
      }
      answer = new PropertyBatchResponse(null, List.of(), List.of()); // created meanwhile: judged again below
    }
    Set<String> createdNames = answer.results().stream().map(PropertyDefinition::name).collect(Collectors.toSet());
    List<String> failures = answer.errors().stream()
        .filter(error -> !conflict(error))
        .map(error -> error.category() + ": " + error.message())
        .toList();
    if (!failures.isEmpty()) {
      throw new CrmException.Data(client.connection(), operation, "PROPERTY_NOT_CREATED",
          String.join("; ", failures), null);
    }
    Map<String, Judged> states = new LinkedHashMap<>();
    List<Needed> unaccounted = new ArrayList<>();
    for (Needed n : missing) {
      if (createdNames.contains(n.name())) {
        states.put(n.configPath(), new Judged(n, FieldReport.State.CREATED, null));
      } else {
        unaccounted.add(n);
      }
    }
    if (!unaccounted.isEmpty()) {
      // someone else created them meanwhile (a conflict): judge what is there now
      Map<String, PropertyDefinition> now = read(object);
      List<String> problems = new ArrayList<>();
      for (Needed n : unaccounted) {
        Judged judged = judge(n, now.get(n.name()));
        if (judged.state() != FieldReport.State.PRESENT) {
          problems.add(judged.problem());
        }
        states.put(n.configPath(), judged);
      }
      if (!problems.isEmpty()) {
        throw new CrmException.Data(client.connection(), operation, "PROPERTY_NOT_CREATED",
            String.join("; ", problems), null);
      }
    }
    return states;
  }

  private static boolean conflict(WriteError error) {
    return "CONFLICT".equals(error.category())
        || (error.message() != null && error.message().toLowerCase(Locale.ROOT).contains("already exists"));
  }

  private HubSpotResponse call(Supplier<HubSpotResponse> call) {
    try {
      return call.get();
    } catch (HubSpotApiException e) {
      throw HubSpotErrors.crmException(client.connection(), e);
    }
  }

  private PropertyBatchResponse answer(String operation, HubSpotResponse response) {
    if (response.body() == null || !response.body().isObject()) {
      return new PropertyBatchResponse(null, List.of(), List.of());
    }
    try {
      return client.json().treeToValue(response.body(), PropertyBatchResponse.class);
    } catch (JsonProcessingException e) {
      throw new CrmException.Data(client.connection(), operation, "UNREADABLE_ANSWER",
          "HubSpot's answer is not a property list: " + e.getOriginalMessage(), e);
    }
  }
}
