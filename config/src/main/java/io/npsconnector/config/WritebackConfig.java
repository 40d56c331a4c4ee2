package io.npsconnector.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What is written back onto CRM records after an answer.
 *
 * @param contactFields per connection type: the CRM field names the file gives for score, category,
 *     responded-at and comment; each adapter fills what the file leaves out with its own defaults
 *     ({@link #contactFields(String, Map)})
 * @param accountFields per connection type: the field names given for the account's rolled-up nps, its
 *     responses count (n) and the bounds of its 95 % interval (ci-low, ci-high)
 * @param accountRollupWindow the trailing window the account's NPS is computed over
 * @param timelineActivity one activity (note, completed task) per answer on the contact's timeline
 * @param followUpTasks per category (detractor, passive, promoter): the task for the contact's owner
 * @param emailOptOut an unsubscribe from the survey pages also opts the contact out of e-mail in the CRM
 */
public record WritebackConfig(
    Map<String, Map<String, String>> contactFields,
    Map<String, Map<String, String>> accountFields,
    Duration accountRollupWindow,
    boolean timelineActivity,
    Map<String, FollowUpTaskConfig> followUpTasks,
    boolean emailOptOut) {

  public static final List<String> CONTACT_KEYS = List.of("score", "category", "responded-at", "comment");
  public static final List<String> ACCOUNT_KEYS = List.of("nps", "responses", "ci-low", "ci-high");
  public static final List<String> CATEGORIES = List.of("detractor", "passive", "promoter");
  public static final Duration DEFAULT_ROLLUP_WINDOW = Duration.ofDays(365);

  public WritebackConfig {
    contactFields = copy(contactFields);
    accountFields = copy(accountFields);
    followUpTasks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(followUpTasks));
  }

  /** Without the CRM opt-out on unsubscribe (the default). */
  public WritebackConfig(Map<String, Map<String, String>> contactFields,
      Map<String, Map<String, String>> accountFields,
      Duration accountRollupWindow, boolean timelineActivity, Map<String, FollowUpTaskConfig> followUpTasks) {
    this(contactFields, accountFields, accountRollupWindow, timelineActivity, followUpTasks, false);
  }

  /**
   * The contact fields a connection of {@code type} writes: {@code defaults} (one per {@link #CONTACT_KEYS}),
   * overridden key by key by what the file says under {@code writeback.contact-fields.TYPE}.
   */
  public Map<String, String> contactFields(String type, Map<String, String> defaults) {
    return merged(defaults, contactFields.getOrDefault(type, Map.of()));
  }

  /** The account fields a connection of {@code type} writes: {@code defaults} with the file's overrides. */
  public Map<String, String> accountFields(String type, Map<String, String> defaults) {
    return merged(defaults, accountFields.getOrDefault(type, Map.of()));
  }

  static WritebackConfig read(Section writeback, ConnectionTypes types) {
    Map<String, Map<String, String>> contactFields = fields(writeback.section("contact-fields"), types, CONTACT_KEYS);
    Map<String, Map<String, String>> accountFields = fields(writeback.section("account-fields"), types, ACCOUNT_KEYS);
    Duration window = writeback.duration("account-rollup-window", Duration.ofDays(1)).orElse(DEFAULT_ROLLUP_WINDOW);
    boolean timeline = writeback.bool("timeline-activity").orElse(true);
    boolean emailOptOut = writeback.bool("email-opt-out").orElse(false);
    Map<String, FollowUpTaskConfig> tasks = new LinkedHashMap<>();
    if (writeback.has("follow-up-tasks")) {
      Section section = writeback.section("follow-up-tasks");
      for (String category : CATEGORIES) {
        if (section.has(category)) {
          tasks.put(category, FollowUpTaskConfig.read(section.section(category)));
        }
      }
      section.finish();
    } else {
      writeback.section("follow-up-tasks");
      tasks.put("detractor", FollowUpTaskConfig.DEFAULT_DETRACTOR);
    }
    writeback.finish();
    return new WritebackConfig(contactFields, accountFields, window, timeline, tasks, emailOptOut);
  }

  /** Per connection type, the field names the file gives; the types are those of the build. */
  private static Map<String, Map<String, String>> fields(Section perType, ConnectionTypes types, List<String> keys) {
    Map<String, Map<String, String>> result = new LinkedHashMap<>();
    for (String type : types.names()) {
      Map<String, String> fields = new LinkedHashMap<>();
      Section section = perType.section(type);
      for (String key : keys) {
        section.text(key).map(String::strip).ifPresent(field -> {
          if (ConnectionConfig.CRM_FIELD.matcher(field).matches()) {
            fields.put(key, field);
          } else {
            section.problem(key, "must be a CRM field name (letters, digits and '_'), got '" + field + "'");
          }
        });
      }
      section.finish();
      if (!fields.isEmpty()) {
        result.put(type, fields);
      }
    }
    perType.finish();
    return result;
  }

  private static Map<String, String> merged(Map<String, String> defaults, Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>(defaults);
    merged.putAll(overrides);
    return java.util.Collections.unmodifiableMap(merged);
  }

  private static Map<String, Map<String, String>> copy(Map<String, Map<String, String>> fields) {
    Map<String, Map<String, String>> copy = new LinkedHashMap<>();
    fields.forEach((type, map) -> copy.put(type, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map))));
    return java.util.Collections.unmodifiableMap(copy);
  }
}
