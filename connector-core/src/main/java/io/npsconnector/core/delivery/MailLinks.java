package io.npsconnector.core.delivery;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The links one message carries: the survey page with each score 0..10 chosen, and the unsubscribe page. A real
 * invitation's come from {@link SurveyLinks}; a test mail's lead to a test page that stores nothing.
 *
 * @param scores eleven links, index = score
 */
public record MailLinks(List<URI> scores, URI unsubscribe) {
  public MailLinks {
    scores = List.copyOf(scores);
    if (scores.size() != 11) {
      throw new IllegalArgumentException("a mail has eleven score links, got " + scores.size());
    }
  }

  /** The signed links of invitation {@code invitationId}. */
  public static MailLinks of(SurveyLinks links, long invitationId, Instant expiresAt) {
    List<URI> scores = new ArrayList<>(11);
    for (int score = 0; score <= 10; score++) {
      scores.add(links.survey(invitationId, expiresAt, score));
    }
    return new MailLinks(scores, links.unsubscribe(invitationId, expiresAt));
  }
}
