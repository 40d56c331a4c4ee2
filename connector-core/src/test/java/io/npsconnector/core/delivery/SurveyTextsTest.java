package io.npsconnector.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SurveyTextsTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
      Hi {first_name}, one click.     | Ada | Hi Ada, one click.
      Hi {first_name}, one click.     | ''  | Hi, one click.
      Bonjour {first_name}, un clic.  | ''  | Bonjour, un clic.
      Thanks {first_name}!            | ''  | Thanks!
      {first_name}, thanks for {company}. | '' | thanks for Acme.
      Hi {first_name} from {company}  | {company} | Hi {company} from Acme
      """)
  void fillsPlaceholdersAndTidiesAMissingName(String template, String firstName, String expected) {
    assertThat(SurveyTexts.fill(template, "Acme", firstName)).isEqualTo(expected);
  }
}
