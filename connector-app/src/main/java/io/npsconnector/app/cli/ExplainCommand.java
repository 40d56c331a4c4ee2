package io.npsconnector.app.cli;

import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.Explainer;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.store.Database;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
        + "trigger rules and suppressions with their reasons, invitations and their states, answers, write-backs.")
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
    NpsConfig loaded = config.load(parent.environment());
    int colon = contact.indexOf(':');
    if (colon <= 0 || colon == contact.length() - 1) {
      throw new CommandFailure("--contact must be CONNECTION:CRM_ID, such as hubspot:1001, got '" + contact + "'");
    }
    String connection = contact.substring(0, colon);
    String crmId = contact.substring(colon + 1);
    if (loaded.connection(connection).isEmpty()) {
      throw new CommandFailure("no connection named '" + connection + "' in " + config.file + "; connections: "
          + String.join(", ", loaded.connections().stream().map(c -> c.name()).toList()));
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Database database = Database.open(loaded.store())) {
      Explainer.Explanation explanation = new Explainer(database).explain(connection, crmId);
      if (explanation.contact().isEmpty() && explanation.entries().isEmpty()) {
        out.println("The store has nothing about " + contact + ": it was never synced from " + connection
            + ", so no survey rule has looked at it.");
        return 0;
      }
      out.println(explanation.contact().map(c -> describe(connection, c))
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

  private static String describe(String connection, Contact contact) {
    StringBuilder text = new StringBuilder(connection).append(':').append(contact.crmId()).append(" — ")
        .append(contact.displayName());
    contact.email().ifPresent(email -> text.append(" <").append(email).append('>'));
    contact.accountName().ifPresent(name -> text.append(", account ").append(name));
    contact.timeZone().ifPresent(zone -> text.append(", time zone ").append(zone));
    contact.locale().ifPresent(locale -> text.append(", language ").append(locale.toLanguageTag()));
    if (contact.emailOptOut()) {
      text.append(", opted out of e-mail in the CRM");
    }
    if (contact.deleted()) {
      text.append(", deleted in the CRM");
    }
    return text.toString();
  }
}
