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
 */
public record DemoReport(List<Crm> crms, int answers, Double nps, Double ciLow, Double ciHigh, int mailsCaptured,
    long seconds) {

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
    text.append(String.format(Locale.ROOT, "%nOverall: NPS %s (n=%d, 95 %% interval %s), %d mails captured, %d s%n",
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
    json.put("mails_captured", mailsCaptured);
    json.put("seconds", seconds);
    return json;
  }
}
