package io.npsconnector.filecrm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.core.testing.CrmAdapterContractTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The JSON-folder adapter, built by its own module from a configuration file, passes every adapter's contract. */
class FileCrmAdapterContractTest extends CrmAdapterContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE_SIZE = 3;

  @TempDir Path dir;
  private Injector injector;

  @AfterEach
  void close() {
    if (injector != null) {
      adapter().close();
    }
  }

  @Override
  protected CrmAdapter adapter() {
    if (injector == null) {
      NpsConfig config = ConfigLoader.parse("contract.yaml", """
          company: Acme
          server:
            token-secret: ${TOKEN_SECRET}
            admin-password: ${ADMIN_PASSWORD}
          connections:
            - name: files
              type: json-folder
              folder: %s
              page-size: %d
              max-write-batch: 10
          channels:
            email:
              host: smtp.example.com
              from: nps@example.com
          """.formatted(dir, PAGE_SIZE), Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef",
          "ADMIN_PASSWORD", "correct-horse"));
      injector = Guice.createInjector(new FileCrmModule(config.connections().get(0),
          new AdapterContext(Clock.systemUTC(), config.writeback())));
    }
    return injector.getInstance(FileCrmAdapter.class);
  }

  @Override
  protected int pageSize() {
    return PAGE_SIZE;
  }

  @Override
  protected void givenContacts(List<Contact> contacts) {
    for (Contact contact : contacts) {
      ObjectNode record = JSON.createObjectNode().put("id", contact.crmId())
          .put("modified-at", contact.modifiedAt().toString());
      contact.email().ifPresent(email -> record.put("email", email));
      contact.firstName().ifPresent(name -> record.put("first-name", name));
      contact.lastName().ifPresent(name -> record.put("last-name", name));
      contact.accountId().ifPresent(id -> record.put("account-id", id));
      contact.accountName().ifPresent(name -> record.put("account-name", name));
      write("contacts", contact.crmId(), record);
    }
  }

  @Override
  protected void givenEvents(List<InteractionEvent> events) {
    for (InteractionEvent event : events) {
      ObjectNode record = JSON.createObjectNode().put("id", event.crmId()).put("kind", event.kind().id())
          .put("occurred-at", event.occurredAt().toString());
      ArrayNode contacts = record.putArray("contacts");
      event.contactIds().forEach(contacts::add);
      write("events", event.crmId(), record);
    }
  }

  @Override
  protected String givenWriteFailure(WriteRequest request, boolean retriable) {
    String contactId = ((WriteRequest.ContactNps) request).contactId();
    try {
      if (retriable) {
        Files.writeString(dir.resolve("contacts").resolve(contactId + ".json.lock"), "");
        return "LOCKED";
      }
      ObjectNode record = (ObjectNode) JSON.readTree(dir.resolve("contacts").resolve(contactId + ".json").toFile());
      write("contacts", contactId, record.put("archived", true));
      return "ARCHIVED";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected int crmRequestCount() {
    adapter();
    return Math.toIntExact(injector.getInstance(FileCrmFolder.class).operations());
  }

  @Override
  protected Optional<CrmContactNps> crmContactNps(String contactId) {
    return read("contacts").stream().filter(record -> record.path("id").asText().equals(contactId))
        .filter(record -> record.has("nps_score")).findFirst()
        .map(record -> new CrmContactNps(record.path("nps_score").asInt(), record.path("nps_category").asText(),
            LocalDate.ofInstant(Instant.parse(record.path("nps_responded_at").asText()), ZoneOffset.UTC),
            record.has("nps_comment") ? Optional.of(record.path("nps_comment").asText()) : Optional.empty()));
  }

  @Override
  protected Optional<CrmAccountNps> crmAccountNps(String accountId) {
    Path file = dir.resolve("accounts").resolve(accountId + ".json");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    JsonNode account = tree(file);
    return Optional.of(new CrmAccountNps(account.has("nps_account_score")
        ? OptionalDouble.of(account.path("nps_account_score").asDouble()) : OptionalDouble.empty(),
        account.path("nps_responses").asInt()));
  }

  @org.junit.jupiter.api.Test
  void readsTasksBackFromTheirFilesOpenCompletedOrDeleted() {
    givenContacts(List.of(Contact.builder("c-1", Instant.parse("2026-03-01T09:00:00Z")).email("c1@example.com")
        .build()));
    List<String> ids = adapter().write(List.of(
        new WriteRequest.FollowUpTask("task:1", "c-1", Optional.of("rep-1"), "Call", "", LocalDate.of(2026, 3, 4),
            "high"),
        new WriteRequest.FollowUpTask("task:2", "c-1", Optional.of("rep-2"), "Call", "", LocalDate.of(2026, 3, 5),
            "high"))).stream().map(result -> result.crmRecordId().orElseThrow()).toList();
    ObjectNode done = (ObjectNode) tree(dir.resolve("tasks").resolve(FileNames.of(ids.get(0)) + ".json"));
    write("tasks", FileNames.of(ids.get(0)), done.put("status", "completed").put("completed-at",
        "2026-03-03T15:00:00Z").put("completed-by", "rep-1"));

    io.npsconnector.core.spi.TaskStates read = adapter().readTasks(List.of(ids.get(0), ids.get(1), "task:9"));

    assertThat(read.states()).extracting(io.npsconnector.core.spi.TaskState::status).containsExactly(
        io.npsconnector.core.spi.TaskState.Status.COMPLETED, io.npsconnector.core.spi.TaskState.Status.OPEN,
        io.npsconnector.core.spi.TaskState.Status.DELETED);
    assertThat(read.states().get(0).completedAt()).contains(Instant.parse("2026-03-03T15:00:00Z"));
    assertThat(read.states().get(0).completedBy()).contains(new io.npsconnector.core.spi.TaskState.User("rep-1",
        Optional.empty()));
    assertThat(read.states().get(1).owner().map(io.npsconnector.core.spi.TaskState.User::id)).contains("rep-2");
    assertThat(read.states().get(1).dueDate()).contains(LocalDate.of(2026, 3, 5));
    assertThat(read.apiCalls()).isZero();
  }

  @Override
  protected List<CrmTask> crmTasks(String contactId) {
    return read("tasks").stream().filter(task -> task.path("contact").asText().equals(contactId))
        .filter(task -> task.path("status").asText().equals("open"))
        .map(task -> new CrmTask(task.path("subject").asText(),
            task.has("owner") ? Optional.of(task.path("owner").asText()) : Optional.empty(),
            LocalDate.parse(task.path("due").asText()))).toList();
  }

  @Override
  protected List<String> crmTimeline(String contactId) {
    return read("activities").stream().filter(entry -> entry.path("contact").asText().equals(contactId))
        .sorted(Comparator.comparing(entry -> Instant.parse(entry.path("at").asText())))
        .map(entry -> entry.path("subject").asText() + "\n" + entry.path("body").asText()).toList();
  }

  /** Every record of a kind as the folder holds it, oldest file first. */
  private List<JsonNode> read(String kind) {
    Path folder = dir.resolve(kind);
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (var files = Files.list(folder)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".json"))
          .sorted(Comparator.comparing(FileCrmAdapterContractTest::modified)).map(FileCrmAdapterContractTest::tree)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static java.nio.file.attribute.FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode tree(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write(String kind, String id, ObjectNode record) {
    try {
      Files.createDirectories(dir.resolve(kind));
      JSON.writeValue(dir.resolve(kind).resolve(id + ".json").toFile(), record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
