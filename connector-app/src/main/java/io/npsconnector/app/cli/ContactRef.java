package io.npsconnector.app.cli;

import io.npsconnector.app.service.Composition;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.store.ContactRepository;
import java.nio.file.Path;

/** A {@code --contact CONNECTION:CRM_ID} value: the connection's name and the CRM's id. */
record ContactRef(String connection, String crmId) {
  static ContactRef parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new CommandFailure("--contact must be CONNECTION:CRM_ID, such as hubspot:1001, got '" + text + "'");
    }
    return new ContactRef(text.substring(0, colon), text.substring(colon + 1));
  }

  /**
   * The contact as the store has it; a failure naming the connections there are when the connection is unknown,
   * and saying so when the store does not have the contact.
   */
  Contact load(NpsConfig config, Composition app, Path file) {
    Adapters.connection(config, connection, file);
    ContactRepository contacts = new ContactRepository(ExistingStore.open(app, config.store(), file).jdbi());
    return contacts.find(connection, crmId).orElseThrow(() -> new CommandFailure("the store has no contact "
        + connection + ":" + crmId + " (it was never synced from " + connection + "); check the id, or leave out "
        + "--contact to use a sample contact"));
  }

  @Override
  public String toString() {
    return connection + ":" + crmId;
  }
}
