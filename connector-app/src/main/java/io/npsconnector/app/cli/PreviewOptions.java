package io.npsconnector.app.cli;

import io.npsconnector.app.service.Composition;
import io.npsconnector.app.web.Previews;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.Contact;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options {@code preview} and {@code send-test} share: which trigger's mail, for whom, in which language. */
final class PreviewOptions {
  @Option(names = "--trigger", required = true, paramLabel = "NAME", description = "The trigger whose mail it is.")
  String trigger;

  @Option(names = "--contact", paramLabel = "CONNECTION:CRM_ID",
      description = "A contact the store has; without it, a sample contact of the trigger's first connection.")
  String contact;

  @Option(names = "--lang", paramLabel = "TAG",
      description = "A language of the trigger's template (de, pt-BR); default: the contact's.")
  String lang;

  /** What to preview; a named contact is read from the store (a failure when it is not there). */
  Previews.Request request(NpsConfig config, Composition app, Path file) {
    Optional<ContactRef> ref = Optional.ofNullable(contact).map(ContactRef::parse);
    Optional<Contact> stored = ref.map(found -> found.load(config, app, file));
    return new Previews.Request(trigger, ref.map(ContactRef::connection), stored, Optional.ofNullable(lang));
  }
}
