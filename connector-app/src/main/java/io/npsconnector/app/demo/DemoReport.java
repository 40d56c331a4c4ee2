package io.npsconnector.app.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the demo did, per CRM and overall, as printed and as written with {@code --summary}.
 *
 * @param apiCalls calls the CRM sandbox served, by operation
 * @param lowerBounds the fewest calls of each operation that could have done the same work
 * @param answersBy the answers by how they were first confirmed: {@code form}, {@code gesture}, {@code grace}
 * @param alertsSent alerts sent, by destination ({@code owner-mail}, ...)
 * @param mailsCaptured the survey mails (the owners' alert mails not included)
 */
public record DemoReport(List<Crm> crms, int answers, Double nps, Double ciLow, Double ciHigh, int mailsCaptured,
    long seconds, Map<String, Integer> answersBy, Map<String, Integer> alertsSent, int alertsFailed,
    FollowUps followUps) {

  /**
   * The follow-up tasks as last read back from the CRMs, as the dashboard's follow-up inbox counts them.
   *
   * @param n the open, completed and deleted ones
   * @param medianTimeToClose from the answer to the completion, over the completed ones ("–" without any)
   */
  public record FollowUps(int n, int completed, int open, int overdue, int deleted, String closeRate,
      String medianTimeToClose) {}

  /** Answers given by one click: confirmed by a gesture on the page or by the grace period. */
  public int oneClickAnswers() {
    return answersBy.getOrDefault("gesture", 0) + answersBy.getOrDefault("grace", 0);
  }

  /** One CRM's figures. */
  public record Crm(String connection, String type, int contactsSynced, int events, int invitationsSent,
      Map<String, Integer> suppressedByReason, int answers, int recordsWrittenBack, int tasksCreated,
      Map<String, Integer> apiCalls, Map<String, Integer> lowerBounds) {}

  public String text() {
    StringBuilder text = new StringBuilder("\nnpsconnector demo — summary\n");
    for (Crm crm : crms) {
      text.append(String.format(Locale.ROOT, "%n%s (%s)%n", crm.connection(), crm.type()));
      text.append(String.format(Locale.ROOT, "  contacts synced       %6d%n", crm.contactsSynced()));
      text.append(String.format(Locale.ROOT, "  events                %6d%n", crm.events()));
      text.append(String.format(Locale.ROOT, "  invitations sent      %6d%n", crm.invitationsSent()));
      text.append(String.format(Locale.ROOT, "  suppressed            %6d%s%n",
          crm.suppressedByReason().values().stream().mapToInt(Integer::intValue).sum(),
          crm.suppressedByReason().isEmpty() ? "" : "  " + crm.suppressedByReason()));
      text.append(String.format(Locale.ROOT, "  answers               %6d%n", crm.answers()));
      text.append(String.format(Locale.ROOT, "  records written back  %6d%n", crm.recordsWrittenBack()));
      text.append(String.format(Locale.ROOT, "  tasks created         %6d%n", crm.tasksCreated()));
      text.append("  API calls by operation (made / lower bound):\n");
      // the operation column as wide as its longest name, so that the counts line up
      int width = crm.apiCalls().keySet().stream().mapToInt(String::length).max().orElse(0);
      crm.apiCalls().forEach((operation, count) -> text.append(String.format(Locale.ROOT, "    %-" + width
          + "s %5d / %d%n", operation, count, crm.lowerBounds().getOrDefault(operation, count))));
    }
    text.append(String.format(Locale.ROOT, "%nAnswers by one click  %6d  (gesture %d, grace period %d); by the form "
        + "%d%n", oneClickAnswers(), answersBy.getOrDefault("gesture", 0), answersBy.getOrDefault("grace", 0),
        answersBy.getOrDefault("form", 0)));
    text.append(String.format(Locale.ROOT, "Alerts sent           %6d  %s%s%n",
        alertsSent.values().stream().mapToInt(Integer::intValue).sum(), alertsSent,
        alertsFailed == 0 ? "" : ", " + alertsFailed + " failed"));
    text.append(String.format(Locale.ROOT, "Detractor follow-ups  %6d  completed %d, open %d (overdue %d), deleted %d;"
        + " close rate %s, median time to close %s%n", followUps.n(), followUps.completed(), followUps.open(),
        followUps.overdue(), followUps.deleted(), followUps.closeRate(), followUps.medianTimeToClose()));
    text.append(String.format(Locale.ROOT, "Overall: NPS %s (n=%d, 95 %% interval %s), %d mails captured, %d s%n",
        nps == null ? "—" : String.format(Locale.ROOT, "%+.1f", nps), answers,
        ciLow == null ? "—" : String.format(Locale.ROOT, "%+.1f to %+.1f", ciLow, ciHigh), mailsCaptured, seconds));
    return text.toString();
  }

  public Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("crms", crms);
    Map<String, Object> overall = new LinkedHashMap<>();
    overall.put("answers", answers);
    overall.put("nps", nps);
    overall.put("ci95", ciLow == null ? null : List.of(ciLow, ciHigh));
    json.put("overall", overall);
    json.put("answers_by", answersBy);
    json.put("alerts_sent", alertsSent);
    json.put("alerts_failed", alertsFailed);
    json.put("follow_ups", followUps);
    json.put("mails_captured", mailsCaptured);
    json.put("seconds", seconds);
    return json;
  }
}
