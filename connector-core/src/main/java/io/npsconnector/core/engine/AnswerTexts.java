package io.npsconnector.core.engine;

import gg.jte.output.StringOutput;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.render.Placeholders;
import java.util.Map;
import java.util.Optional;

/**
 * The plain text an answer writes to the CRM: the follow-up task's subject (the admin's template, filled in one
 * pass) and description, the timeline entry's subject and body (the templates in {@code engine/*.txt.jte}).
 * Values go in as they are, never HTML-escaped, and never expanded again: a name such as {@code {comment}} or
 * {@code <script>} is written literally. An adapter whose CRM field holds HTML escapes the text itself.
 */
record AnswerTexts(Contact contact, int score, String category, String trigger, Optional<String> comment) {

  /** The task subject {@code template} with {score}, {category}, {name}, {first_name}, {last_name}, {comment}. */
  String taskSubject(String template) {
    return Placeholders.fill(template, Map.of("score", Integer.toString(score), "category", category,
        "name", contact.displayName(), "first_name", contact.firstName().orElse(""),
        "last_name", contact.lastName().orElse(""), "comment", comment.orElse("")));
  }

  String taskDescription() {
    StringOutput out = new StringOutput();
    JtetaskdescriptiontxtGenerated.render(out, null, this);
    return out.toString();
  }

  String timelineSubject() {
    StringOutput out = new StringOutput();
    JtetimelinesubjecttxtGenerated.render(out, null, this);
    return out.toString();
  }

  String timelineBody() {
    StringOutput out = new StringOutput();
    JtetimelinebodytxtGenerated.render(out, null, this);
    return out.toString();
  }
}
