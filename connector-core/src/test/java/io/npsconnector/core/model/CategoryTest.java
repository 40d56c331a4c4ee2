package io.npsconnector.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CategoryTest {
  @ParameterizedTest(name = "{0} is a {1}")
  @CsvSource({
    "0, DETRACTOR", "1, DETRACTOR", "2, DETRACTOR", "3, DETRACTOR", "4, DETRACTOR", "5, DETRACTOR",
    "6, DETRACTOR", "7, PASSIVE", "8, PASSIVE", "9, PROMOTER", "10, PROMOTER"
  })
  void everyScoreFallsInItsCategory(int score, Category expected) {
    assertThat(Category.of(Score.of(score))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} | {1}")
  @CsvSource({"6, 7", "8, 9"})
  void categoryChangesExactlyAtEachBoundary(int below, int above) {
    assertThat(Category.of(Score.of(below))).isNotEqualTo(Category.of(Score.of(above)));
  }

  @ParameterizedTest
  @CsvSource({"PROMOTER, promoter", "PASSIVE, passive", "DETRACTOR, detractor"})
  void idIsTheLowerCaseName(Category category, String id) {
    assertThat(category.id()).isEqualTo(id);
  }
}
