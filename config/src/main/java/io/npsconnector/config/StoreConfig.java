package io.npsconnector.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where state lives: an embedded H2 file (the default) or PostgreSQL. */
public sealed interface StoreConfig {
  Path DEFAULT_H2_PATH = Path.of("data", "npsconnector");

  /** An embedded H2 database in the file {@code path} (H2 adds {@code .mv.db}). */
  record H2(Path path) implements StoreConfig {}

  /** A PostgreSQL database; several instances may share it. */
  record Postgres(String url, String user, Optional<Secret> password) implements StoreConfig {}

  static StoreConfig read(Section store) {
    String type = store.oneOf("type", "store type", List.of("h2", "postgresql")).orElse("h2");
    StoreConfig config;
    if (type.equals("postgresql")) {
      String url = store.requiredText("url").orElse("");
      if (!url.isEmpty() && !url.startsWith("jdbc:postgresql://")) {
        store.problem("url", "must be a PostgreSQL JDBC URL such as jdbc:postgresql://db.example.com:5432/nps, got '"
            + url + "'");
      }
      config = new Postgres(url, store.requiredText("user").orElse(""), store.secret("password"));
    } else {
      config = new H2(Path.of(store.text("path", DEFAULT_H2_PATH.toString())));
    }
    store.finish();
    return config;
  }
}
