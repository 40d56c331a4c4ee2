package io.npsconnector.app.cli;

import io.npsconnector.app.web.Previews;
import io.npsconnector.config.NpsConfig;
import java.util.function.Supplier;

/** What {@code preview} and {@code send-test} share: loading, and their failures as one line. */
final class PreviewSupport {
  private PreviewSupport() {}

  /** The configuration, for reading: the links are signed, so {@code server.token-secret} must be set. */
  static NpsConfig load(ConfigOption config, NpsConnectorCommand parent) {
    NpsConfig loaded = config.loadForReading(parent.environment());
    if (!loaded.server().tokenSecret().isSet()) {
      throw new CommandFailure(config.file + ": server.token-secret: " + loaded.server().tokenSecret().reference()
          + " is not set; the preview's links are signed with it");
    }
    return loaded;
  }

  static <T> T run(Supplier<T> preview) {
    try {
      return preview.get();
    } catch (Previews.PreviewException e) {
      throw new CommandFailure(e.getMessage());
    }
  }

  /** "contact hubspot:1001 (Ada Lovelace)" or "a sample contact". */
  static String who(Previews.Preview preview) {
    return preview.sample() ? "a sample contact (Alex Sample)"
        : "contact " + preview.connection() + ":" + preview.contact().crmId() + " (" + preview.contact().displayName()
            + ")";
  }
}
