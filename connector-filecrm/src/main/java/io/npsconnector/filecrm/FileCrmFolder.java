package io.npsconnector.filecrm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.npsconnector.core.spi.CrmException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The files of one JSON-folder CRM: each record is one file {@code KIND/ID.json} holding one JSON object with
 * its {@code id}. A record is locked while {@code KIND/ID.json.lock} exists (another program is editing it).
 * Writes replace a file atomically (a temporary file moved over it), so a reader never sees half a record.
 *
 * <p>Thread-safe. Every listing, read and write counts as one operation ({@link #operations()}), as an API
 * call would. I/O failures throw {@link CrmException.Retriable}; a file that is not a JSON object throws
 * {@link CrmException.Data} naming it.
 */
final class FileCrmFolder {
  static final String CONTACTS = "contacts";
  static final String EVENTS = "events";
  static final String ACCOUNTS = "accounts";
  static final String TASKS = "tasks";
  static final String ACTIVITIES = "activities";
  static final List<String> KINDS = List.of(CONTACTS, EVENTS, ACCOUNTS, TASKS, ACTIVITIES);
  private static final String SUFFIX = ".json";

  private final String connection;
  private final Path root;
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final AtomicLong operations = new AtomicLong();

  FileCrmFolder(String connection, Path root) {
    this.connection = connection;
    this.root = root;
  }

  Path root() {
    return root;
  }

  /** Every record of {@code kind}; none when its folder does not exist yet. */
  List<ObjectNode> list(String kind) {
    operations.incrementAndGet();
    requireRoot("list " + kind);
    Path dir = root.resolve(kind);
    List<ObjectNode> records = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return records;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path file : files) {
        parse(file).ifPresent(records::add);
      }
    } catch (IOException e) {
      throw ioFailure("list " + kind, e);
    }
    return records;
  }

  Optional<ObjectNode> read(String kind, String id) {
    operations.incrementAndGet();
    return parse(file(kind, id));
  }

  boolean locked(String kind, String id) {
    return Files.exists(root.resolve(kind).resolve(FileNames.of(id) + SUFFIX + ".lock"));
  }

  /** Replaces (or creates) the record; its folder is made when missing. */
  void write(String kind, String id, ObjectNode record) {
    operations.incrementAndGet();
    requireRoot("write " + kind);
    Path file = file(kind, id);
    try {
      Files.createDirectories(file.getParent());
      Path temporary = Files.createTempFile(file.getParent(), ".write-", ".tmp");
      Files.write(temporary, json.writeValueAsBytes(record));
      try {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw ioFailure("write " + kind + "/" + id, e);
    }
  }

  /** Makes the folder of each kind of record; what exists stays as it is. */
  List<String> createFolders() {
    requireRoot("create folders");
    List<String> created = new ArrayList<>();
    for (String kind : KINDS) {
      Path dir = root.resolve(kind);
      if (!Files.isDirectory(dir)) {
        try {
          Files.createDirectories(dir);
        } catch (IOException e) {
          throw ioFailure("create " + kind, e);
        }
        created.add(kind);
      }
    }
    return created;
  }

  ObjectNode newRecord(String id) {
    return json.createObjectNode().put("id", id);
  }

  long operations() {
    return operations.get();
  }

  private Path file(String kind, String id) {
    return root.resolve(kind).resolve(FileNames.of(id) + SUFFIX);
  }

  private Optional<ObjectNode> parse(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw ioFailure("read " + root.relativize(file), e);
    }
    try {
      JsonNode node = json.readTree(text);
      if (node instanceof ObjectNode object) {
        if (!object.path("id").isTextual()) {
          object.put("id", FileNames.id(file.getFileName().toString().replace(SUFFIX, "")));
        }
        return Optional.of(object);
      }
    } catch (JsonProcessingException e) {
      // reported below, without the file's content
    }
    throw new CrmException.Data(connection, "read", "NOT_A_RECORD", root.relativize(file)
        + " is not a JSON object", null);
  }

  private void requireRoot(String operation) {
    if (!Files.isDirectory(root)) {
      throw new CrmException.Retriable(connection, operation, "the folder " + root + " does not exist",
          Optional.empty(), null);
    }
  }

  private CrmException.Retriable ioFailure(String operation, IOException e) {
    return new CrmException.Retriable(connection, operation, e.getClass().getSimpleName() + ": " + e.getMessage(),
        Optional.empty(), e);
  }
}
