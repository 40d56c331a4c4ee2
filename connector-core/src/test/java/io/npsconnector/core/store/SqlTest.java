package io.npsconnector.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The key tables and IN lists of a read by many keys come in a few lengths, whatever the number of keys. */
class SqlTest {
  @Test
  void aKeyListTakesOneOfAFewLengthsUpToTheListSizeAndLongerListsAsTheyAre() {
    assertThat(List.of(1, 8, 9, 16, 17, 100, 255, 256, 257, 499, 500, 501).stream().map(Sql::slots).toList())
        .containsExactly(8, 8, 16, 16, 32, 128, 256, 256, 500, 500, 500, 501);
    assertThat(ContactRepository.IN_LIST).isEqualTo(500);
  }

  @Test
  void aKeyTableHasItsSlotsOfRowsAndAnInListRepeatsItsLastValue() {
    String table = Sql.keys(3);
    assertThat(table).startsWith("(VALUES (CAST(:key0 AS VARCHAR(320))), (:key1)").endsWith(", (:key7)) AS wanted(id)")
        .doesNotContain(":key8");
    assertThat(Sql.padded(List.of("a", "b", "c"))).containsExactly("a", "b", "c", "c", "c", "c", "c", "c");
    assertThat(Sql.padded(List.of("a", "b", "c", "d", "e", "f", "g", "h"))).hasSize(8);
    assertThatThrownBy(() -> Sql.padded(List.of())).hasMessageContaining("IN list");
  }
}
