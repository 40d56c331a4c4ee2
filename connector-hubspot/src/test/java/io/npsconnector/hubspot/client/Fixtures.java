package io.npsconnector.hubspot.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** HubSpot-shaped answers under {@code src/test/resources/hubspot/client/}. */
final class Fixtures {
  private Fixtures() {}

  static String read(String name) {
    String path = "/hubspot/client/" + name;
    try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
