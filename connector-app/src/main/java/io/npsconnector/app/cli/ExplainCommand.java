package io.npsconnector.app.cli;

import io.npsconnector.app.service.Composition;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.Explainer;
import io.npsconnector.core.model.Contact;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code explain --contact CONNECTION:CRM_ID}: every decision about one contact, in time order. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = "Prints everything the connector decided about one contact, in time order: events seen, "
        + "trigger rules and suppressions with their reasons, invitations and their states, answers, write-backs, "
        + "alerts.")
final class ExplainCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
      .withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;
  @ParentCommand NpsConnectorCommand parent;
  @Mixin ConfigOption config;

  @Option(names = "--contact", required = true, paramLabel = "CONNECTION:CRM_ID",
      description = "The contact, as the connection's name and the CRM's id, such as hubspot:1001.")
  String contact;

  @Override
  public Integer call() {
    NpsConfig loaded = config.loadForReading(parent.environment());
    int colon = contact.indexOf(':');
    if (colon <= 0 || colon == contact.length() - 1) {
      throw new CommandFailure("--contact must be CONNECTION:CRM_ID, such as hubspot:1001, got '" + contact + "'");
    }
    String connection = contact.substring(0, colon);
    String crmId = contact.substring(colon + 1);
    Adapters.connection(loaded, connection, config.file); // fails naming the connections there are
    PrintWriter out = spec.commandLine().getOut();
    try (Composition app = Composition.of(loaded)) {
      Explainer.Explanation explanation = new Explainer(ExistingStore.open(app, loaded.store(), config.file))
          .explain(connection, crmId);
      if (explanation.contact().isEmpty() && explanation.entries().isEmpty()) {
        out.println("The store has nothing about " + contact + ": it was never synced from " + connection
            + ", so no survey rule has looked at it.");
        return 0;
      }
      out.println(explanation.contact().map(c -> describe(loaded.connection(connection).orElseThrow(), c))
          .orElse(contact + " (not stored as a contact)"));
      for (Explainer.Entry entry : explanation.entries()) {
        out.printf("  %s  %-10s  %s%n", TIME.format(entry.at()), entry.kind(), entry.text());
      }
      if (explanation.entries().isEmpty()) {
        out.println("  no events, decisions or invitations yet");
      }
    }
    return 0;
  }

  private static String describe(ConnectionConfig connection, Contact contact) {
    StringBuilder text = new StringBuilder(connection.name()).append(':').append(contact.crmId()).append(" — ")
        .append(contact.displayName());
    text.append(contact.email().map(email -> " <" + email + ">").orElse(", no e-mail address"));
    contact.accountName().ifPresent(name -> text.append(", account ").append(name));
    // send times below are in the contact's zone: say which one, and when it is the connection's default
    text.append(", time zone ").append(contact.timeZone().map(ZoneId::getId)
        .orElse(connection.timeZone().getId() + " (connection default)"));
    text.append(", language ").append(contact.locale().map(Locale::toLanguageTag)
        .orElse(connection.locale().toLanguageTag() + " (connection default)"));
    if (contact.emailOptOut()) {
      text.append(", opted out of e-mail in the CRM");
    }
    if (contact.deleted()) {
      text.append(", deleted in the CRM");
    }
    return text.toString();
  }
}
