package io.npsconnector.core.delivery.email;

import java.net.URI;
import java.util.List;

/**
 * What the survey mail's templates ({@code mail.html.jte}, {@code mail.txt.jte}) show: plain values, which the
 * HTML template escapes and the text template writes as they are. The templates' lines end in LF, the mail's
 * in CRLF. (With trimmed control structures the first blank line after an {@code @endfor} disappears, which is
 * why the text template has two there.)
 *
 * @param intro the greeting, possibly over several lines
 * @param scoreLinks the survey page with score 0..10 chosen, in order
 * @param brand the logo and colour
 * @param testNotice said above the texts of a test mail
 */
record MailView(String languageTag, String subject, String intro, String question, EmailLabels labels,
    List<URI> scoreLinks, URI unsubscribe, MailBrand brand, java.util.Optional<String> testNotice) {

  List<String> introLines() {
    return lines(intro);
  }

  List<String> questionLines() {
    return lines(question);
  }

  /** The tooltip of a score's link: the ends of the scale carry their label. */
  String scoreTitle(int score) {
    if (score == 0) {
      return score + " - " + labels.notLikely();
    }
    return score == 10 ? score + " - " + labels.extremelyLikely() : Integer.toString(score);
  }

  private static List<String> lines(String text) {
    return List.of(text.split("\\R", -1));
  }
}
