package io.npsconnector.salesforce.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The SOQL the task read-back sends: every id once, in statements within the length limit. */
class SalesforceTaskReaderTest {
  private static final Pattern ID = Pattern.compile("'(00T\\w{15})'");

  @Test
  void splitsTheIdsSoThatNoStatementPassesTheLimit() {
    List<String> ids = IntStream.range(0, 1000).mapToObj(i -> String.format("00T%012dAAA", i)).toList();
    SalesforceTaskReader reader = new SalesforceTaskReader(null, 5_000);

    List<String> statements = reader.statements(ids);

    // 21 characters an id ('00T...AAA' and a comma) after a 195-character head: 228 ids fit in 5,000
    assertThat(statements).hasSize(5).allSatisfy(soql -> assertThat(soql.length()).isLessThanOrEqualTo(5_000)
        .isGreaterThan(0));
    assertThat(statements.get(0)).startsWith("SELECT Id, IsDeleted, Status, IsClosed, CompletedDateTime, OwnerId, "
        + "Owner.Name, ActivityDate, LastModifiedDate, LastModifiedById, LastModifiedBy.Name FROM Task WHERE Id IN "
        + "('00T000000000000AAA','00T000000000001AAA',").endsWith("')");
    List<String> sent = new ArrayList<>();
    statements.forEach(soql -> {
      Matcher matcher = ID.matcher(soql);
      while (matcher.find()) {
        sent.add(matcher.group(1));
      }
    });
    assertThat(sent).isEqualTo(ids);
    assertThat(new SalesforceTaskReader(null).statements(ids)).as("Salesforce's 100,000 characters").hasSize(1);
  }

  @Test
  void sendsEachIdOnceAndRefusesWhatIsNotARecordId() {
    SalesforceTaskReader reader = new SalesforceTaskReader(null);

    assertThat(reader.statements(List.of("00T000000000001AAA", "00T000000000001AAA"))).singleElement()
        .asString().endsWith("IN ('00T000000000001AAA')");
    assertThat(reader.statements(List.of())).isEmpty();
    assertThatThrownBy(() -> reader.statements(List.of("00T' OR Name != '"))).isInstanceOf(
        IllegalArgumentException.class).hasMessageContaining("not a Salesforce record id");
  }
}
