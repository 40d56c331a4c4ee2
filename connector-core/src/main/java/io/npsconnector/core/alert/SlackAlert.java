package io.npsconnector.core.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;

/**
 * Posts alerts to a Slack incoming webhook: a {@code text} (the notification's fallback) and Block Kit
 * {@code blocks} in {@code mrkdwn}. Every value is escaped as Slack requires ({@code &}, {@code <} and {@code >}
 * as {@code &amp;}, {@code &lt;}, {@code &gt;}), so a comment can neither mention a channel nor make a link; the
 * markup around the values (bold, the quote, the links) is the destination's own.
 */
public final class SlackAlert extends WebhookAlert {
  /** Slack's limit on a section's text is 3,000 characters; the comment is cut below it. */
  static final int MAX_COMMENT = 2_900;
  private static final ObjectMapper JSON = new ObjectMapper();

  SlackAlert(URI webhookUrl, HttpClient http, Clock clock) {
    super("slack", "Slack", webhookUrl, http, clock);
  }

  @Override
  String json(AlertMessage message) {
    return body(message);
  }

  /** The JSON Slack gets. */
  static String body(AlertMessage message) {
    ObjectNode root = JSON.createObjectNode();
    root.put("text", escape(message.headline()));
    ArrayNode blocks = root.putArray("blocks");
    section(blocks, "*NPS " + message.score() + " (" + escape(message.category()) + ")* from *"
        + escape(message.contactName()) + "*");
    message.comment().ifPresent(comment -> section(blocks, quote(escape(cut(comment)))));
    ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
    for (AlertMessage.Fact fact : message.facts()) {
      fields.addObject().put("type", "mrkdwn").put("text", "*" + fact.label() + "*\n" + escape(fact.value()));
    }
    StringBuilder links = new StringBuilder();
    message.crmUrl().ifPresent(url -> links.append(link(url, "Open in the CRM")).append(" · "));
    links.append(link(message.dashboardUrl(), "NPS dashboard"));
    blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn")
        .put("text", links.toString());
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write the Slack message", e);
    }
  }

  private static void section(ArrayNode blocks, String mrkdwn) {
    blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", mrkdwn);
  }

  /** Slack's escaping of text: the three characters that start its markup of mentions and links. */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String quote(String text) {
    return ">" + text.replaceAll("\\R", "\n>");
  }

  private static String cut(String text) {
    return text.length() <= MAX_COMMENT ? text : text.substring(0, MAX_COMMENT) + "…";
  }

  /** A link; its URL is ours (ASCII, percent-encoded), so it holds no {@code |} or {@code >}. */
  private static String link(URI url, String label) {
    return "<" + url.toASCIIString().replace("|", "%7C").replace(">", "%3E") + "|" + label + ">";
  }

  @Override
  public String toString() {
    return "SlackAlert";
  }
}
