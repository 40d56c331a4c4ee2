package io.npsconnector.config;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What is written back onto CRM records after an answer.
 *
 * @param contactFields per CRM: score, category, responded-at and comment to the CRM field names
 * @param accountFields per CRM: the account's rolled-up nps and its responses count to field names
 * @param accountRollupWindow the trailing window the account's NPS is computed over
 * @param timelineActivity one activity (note, completed task) per answer on the contact's timeline
 * @param followUpTasks per category (detractor, passive, promoter): the task for the contact's owner
 * @param emailOptOut an unsubscribe from the survey pages also opts the contact out of e-mail in the CRM
 */
public record WritebackConfig(
    Map<CrmType, Map<String, String>> contactFields,
    Map<CrmType, Map<String, String>> accountFields,
    Duration accountRollupWindow,
    boolean timelineActivity,
    Map<String, FollowUpTaskConfig> followUpTasks,
    boolean emailOptOut) {

  public static final List<String> CONTACT_KEYS = List.of("score", "category", "responded-at", "comment");
  public static final List<String> ACCOUNT_KEYS = List.of("nps", "responses");
  public static final List<String> CATEGORIES = List.of("detractor", "passive", "promoter");
  public static final Duration DEFAULT_ROLLUP_WINDOW = Duration.ofDays(365);

  static final Map<CrmType, Map<String, String>> DEFAULT_CONTACT_FIELDS = Map.of(
      CrmType.SALESFORCE, ordered("score", "NPS_Score__c", "category", "NPS_Category__c",
          "responded-at", "NPS_Last_Response_Date__c", "comment", "NPS_Last_Comment__c"),
      CrmType.HUBSPOT, ordered("score", "nps_score", "category", "nps_category",
          "responded-at", "nps_last_response_date", "comment", "nps_last_comment"));
  static final Map<CrmType, Map<String, String>> DEFAULT_ACCOUNT_FIELDS = Map.of(
      CrmType.SALESFORCE, ordered("nps", "NPS_Account_Score__c", "responses", "NPS_Response_Count__c"),
      CrmType.HUBSPOT, ordered("nps", "nps_account_score", "responses", "nps_response_count"));

  public WritebackConfig {
    contactFields = copy(contactFields);
    accountFields = copy(accountFields);
    followUpTasks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(followUpTasks));
  }

  /** Without the CRM opt-out on unsubscribe (the default). */
  public WritebackConfig(Map<CrmType, Map<String, String>> contactFields,
      Map<CrmType, Map<String, String>> accountFields,
      Duration accountRollupWindow, boolean timelineActivity, Map<String, FollowUpTaskConfig> followUpTasks) {
    this(contactFields, accountFields, accountRollupWindow, timelineActivity, followUpTasks, false);
  }

  static WritebackConfig read(Section writeback) {
    Map<CrmType, Map<String, String>> contactFields =
        fields(writeback.section("contact-fields"), DEFAULT_CONTACT_FIELDS, CONTACT_KEYS);
    Map<CrmType, Map<String, String>> accountFields =
        fields(writeback.section("account-fields"), DEFAULT_ACCOUNT_FIELDS, ACCOUNT_KEYS);
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

  /** Per CRM, the defaults overridden key by key by what the file says. */
  private static Map<CrmType, Map<String, String>> fields(
      Section perCrm, Map<CrmType, Map<String, String>> defaults, List<String> keys) {
    Map<CrmType, Map<String, String>> result = new EnumMap<>(CrmType.class);
    for (CrmType type : CrmType.values()) {
      Map<String, String> fields = new LinkedHashMap<>(defaults.get(type));
      Section section = perCrm.section(type.id());
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
      result.put(type, fields);
    }
    perCrm.finish();
    return result;
  }

  private static Map<String, String> ordered(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(map);
  }

  private static Map<CrmType, Map<String, String>> copy(Map<CrmType, Map<String, String>> fields) {
    Map<CrmType, Map<String, String>> copy = new EnumMap<>(CrmType.class);
    fields.forEach((type, map) -> copy.put(type, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map))));
    return java.util.Collections.unmodifiableMap(copy);
  }
}
