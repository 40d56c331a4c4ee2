package io.npsconnector.core.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;

/**
 * Posts alerts to a Microsoft Teams incoming webhook (a Workflows "post to a channel when a webhook request is
 * received" flow, or a legacy connector URL): a message with one Adaptive Card attachment. Values go into
 * {@code TextRun}s of {@code RichTextBlock}s, which Teams shows as plain text (no Markdown), so a comment shows as
 * typed; the links are {@code Action.OpenUrl} buttons.
 */
public final class TeamsAlert extends WebhookAlert {
  static final String CARD_TYPE = "application/vnd.microsoft.card.adaptive";
  static final String CARD_VERSION = "1.4";
  private static final ObjectMapper JSON = new ObjectMapper();

  TeamsAlert(URI webhookUrl, HttpClient http, Clock clock) {
    super("teams", "Teams", webhookUrl, http, clock);
  }

  @Override
  String json(AlertMessage message) {
    return body(message);
  }

  /** The JSON Teams gets. */
  static String body(AlertMessage message) {
    ObjectNode root = JSON.createObjectNode();
    root.put("type", "message");
    ObjectNode attachment = root.putArray("attachments").addObject();
    attachment.put("contentType", CARD_TYPE);
    attachment.putNull("contentUrl");
    ObjectNode card = attachment.putObject("content");
    card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
    card.put("type", "AdaptiveCard");
    card.put("version", CARD_VERSION);
    ArrayNode body = card.putArray("body");
    ObjectNode headline = run(text(body), message.headline()).put("weight", "Bolder").put("size", "Medium");
    if (message.score() <= 6) {
      headline.put("color", "Attention");
    }
    message.comment().ifPresent(comment -> run(text(body), comment).put("italic", true));
    for (AlertMessage.Fact fact : message.facts()) {
      ArrayNode inlines = text(body);
      run(inlines, fact.label() + ": ").put("weight", "Bolder");
      run(inlines, fact.value());
    }
    ArrayNode actions = card.putArray("actions");
    message.crmUrl().ifPresent(url -> open(actions, "Open in the CRM", url));
    open(actions, "NPS dashboard", message.dashboardUrl());
    card.putObject("msteams").put("width", "Full");
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write the Teams message", e);
    }
  }

  private static ArrayNode text(ArrayNode body) {
    return body.addObject().put("type", "RichTextBlock").putArray("inlines");
  }

  private static ObjectNode run(ArrayNode inlines, String text) {
    return inlines.addObject().put("type", "TextRun").put("text", text);
  }

  private static void open(ArrayNode actions, String title, URI url) {
    actions.addObject().put("type", "Action.OpenUrl").put("title", title).put("url", url.toASCIIString());
  }

  @Override
  public String toString() {
    return "TeamsAlert";
  }
}
