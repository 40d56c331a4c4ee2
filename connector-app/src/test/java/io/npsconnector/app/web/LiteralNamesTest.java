package io.npsconnector.app.web;

import static io.npsconnector.app.web.SurveyFixture.csrf;
import static io.npsconnector.app.web.SurveyFixture.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;

import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.testing.LiteralNames;
import io.npsconnector.core.testing.RecordingChannel;

/** A first name that looks like a placeholder or markup is shown as typed on every page, never expanded. */
class LiteralNamesTest {
  private static final String TEMPLATES = """
      templates:
        standard:
          en:
            question: "{first_name}, how likely are you to recommend {company}?"
            thank-you: "Thank you, {first_name}!"
      """;

  @TempDir Path dir;

  @Test
  void aFirstNameComesOutLiterallyOnTheSurveyPageTheThankYouPageAndTheDashboard() {
    try (SurveyFixture fixture = new SurveyFixture(dir, 1000, new RecordingChannel(), TEMPLATES)) {
      List<Arguments> names = LiteralNames.firstNames().toList();
      for (int i = 0; i < names.size(); i++) {
        String name = (String) names.get(i).get()[0];
        String shown = (String) names.get(i).get()[1];
        Invitation invitation = fixture.sentInvitation("c-" + i, name, Locale.ENGLISH);
        String path = fixture.surveyPath(invitation);

        String survey = fixture.get(path).body();
        fixture.post(path, form("csrf", csrf(survey), "score", "3", "comment", "Call " + name));
        String thanks = fixture.get(path + "/thanks").body();

        assertThat(survey).as(name).contains("<legend id=\"question\">" + shown
            + ", how likely are you to recommend Acme &amp; Sons?</legend>").doesNotContain("<script>");
        assertThat(thanks).as(name).contains("<title>Thank you, " + shown + "!</title>")
            .contains("<p class=\"message\" role=\"status\">Thank you, " + shown + "!</p>")
            .contains("<blockquote>Call " + shown + "</blockquote>").doesNotContain("<script>");
      }
      String login = fixture.get("/admin/login").body();
      fixture.post("/admin/login", form("csrf", csrf(login), "password", "correct-horse-battery"));
      String dashboard = fixture.get("/admin").body();

      assertThat(dashboard).doesNotContain("<script>");
      for (Arguments name : names) {
        String shown = (String) name.get()[1];
        assertThat(dashboard).contains("<td>" + shown + " Tester</td>").contains("<td>Call " + shown + "</td>");
      }
    }
  }
}
