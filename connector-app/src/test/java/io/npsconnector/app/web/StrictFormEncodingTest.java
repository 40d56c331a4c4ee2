package io.npsconnector.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictFormEncodingTest {
  @ParameterizedTest
  @ValueSource(strings = {"", "score=9&comment=Gr%C3%BC%C3%9Fe+aus+K%C3%B6ln", "a=%20b&c", "x=caf\u00e9",
      "emoji=%F0%9F%98%80", "a==b&&c"})
  void wellFormedUtf8FormsPass(String form) {
    assertThat(StrictFormEncoding.problemInText(form, StandardCharsets.UTF_8)).isEmpty();
    assertThat(StrictFormEncoding.problemInBody(form.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"score=%zz", "score=%", "score=%4", "comment=%E9t%E9", "a=%C3", "a=%C3&b=%A9",
      "a=%ED%A0%80", "a=%FF"})
  void badPercentEncodingAndInvalidUtf8AreMalformed(String form) {
    assertThat(StrictFormEncoding.problemInText(form, StandardCharsets.UTF_8)).as(form).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"comment=\u00e9t\u00e9", "a=%E9"})
  void latin1FormsPassInLatin1(String form) {
    assertThat(StrictFormEncoding.problemInBody(form.getBytes(StandardCharsets.ISO_8859_1),
        StandardCharsets.ISO_8859_1)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void rawBytesThatAreNotUtf8AreMalformed() {
    byte[] body = {'a', '=', (byte) 0xC3, (byte) 0x28};

    assertThat(StrictFormEncoding.problemInBody(body, StandardCharsets.UTF_8)).isPresent();
  }
}
