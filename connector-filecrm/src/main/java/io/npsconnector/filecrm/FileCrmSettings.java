package io.npsconnector.filecrm;

import io.npsconnector.config.CrmSettings;
import io.npsconnector.config.Section;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of a {@code type: json-folder} connection.
 *
 * @param folder where the CRM's JSON files are ({@code folder}, required): {@code contacts/}, {@code events/},
 *     and what write-back adds ({@code accounts/}, {@code tasks/}, {@code activities/})
 * @param pageSize records of each kind per page of a sync ({@code page-size}, 1 to 1,000)
 * @param maxWriteBatch requests per write call ({@code max-write-batch}, 1 to 1,000)
 */
public record FileCrmSettings(Path folder, int pageSize, int maxWriteBatch) implements CrmSettings {
  public static final String TYPE = "json-folder";
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int DEFAULT_MAX_WRITE_BATCH = 100;
  static final int MAX = 1000;

  public FileCrmSettings {
    Objects.requireNonNull(folder, "folder");
    if (pageSize < 1 || pageSize > MAX || maxWriteBatch < 1 || maxWriteBatch > MAX) {
      throw new IllegalArgumentException("pageSize and maxWriteBatch must be 1-" + MAX + ", got " + pageSize + " and "
          + maxWriteBatch);
    }
  }

  static FileCrmSettings read(Section connection) {
    Path folder = connection.requiredText("folder").flatMap(text -> connection.parsed("folder", FileCrmSettings::path))
        .orElse(Path.of(""));
    int pageSize = connection.integer("page-size", 1, MAX).orElse(DEFAULT_PAGE_SIZE);
    int maxWriteBatch = connection.integer("max-write-batch", 1, MAX).orElse(DEFAULT_MAX_WRITE_BATCH);
    return new FileCrmSettings(folder, pageSize, maxWriteBatch);
  }

  private static Section.Parsed<Path> path(String text) {
    try {
      return Section.Parsed.of(Path.of(text));
    } catch (InvalidPathException e) {
      return Section.Parsed.error("is not a folder path ('" + text + "'): " + e.getReason());
    }
  }
}
