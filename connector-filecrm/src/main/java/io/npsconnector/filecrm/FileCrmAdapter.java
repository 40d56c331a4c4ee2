package io.npsconnector.filecrm;

import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.TaskState;
import io.npsconnector.core.spi.TaskStates;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.core.spi.support.Batches;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * A CRM kept as JSON files in a folder, as the engine sees it: for tests and demonstrations, and the proof that
 * an adapter is a plugin (nothing outside this module names it). A JSON file has no schema, so what the connector needs
 * is the record folders; installing fields makes them. Opens no file between calls, so
 * closing releases nothing.
 */
final class FileCrmAdapter implements CrmAdapter {
  private final String connection;
  private final int maxWriteBatch;
  private final FileCrmFolder folder;
  private final FileCrmReader reader;
  private final FileCrmWriter writer;

  FileCrmAdapter(String connection, int maxWriteBatch, FileCrmFolder folder, FileCrmReader reader,
      FileCrmWriter writer) {
    this.connection = connection;
    this.maxWriteBatch = maxWriteBatch;
    this.folder = folder;
    this.reader = reader;
    this.writer = writer;
  }

  @Override
  public ConnectionCheck check() {
    if (!Files.isDirectory(folder.root())) {
      return new ConnectionCheck(false, List.of("The folder " + folder.root() + " does not exist."));
    }
    List<String> problems = new ArrayList<>();
    if (!Files.isWritable(folder.root())) {
      problems.add("The folder " + folder.root() + " is not writable, so answers cannot be written back.");
    }
    for (String kind : List.of(FileCrmFolder.CONTACTS, FileCrmFolder.EVENTS)) {
      if (!Files.isDirectory(folder.root().resolve(kind))) {
        problems.add("The folder has no " + kind + "/ folder; run install-fields --connection " + connection
            + " to make it.");
      }
    }
    return new ConnectionCheck(true, problems);
  }

  @Override
  public ChangePage readChanges(SyncCursor cursor) {
    return reader.read(cursor);
  }

  @Override
  public int maxWriteBatch() {
    return maxWriteBatch;
  }

  @Override
  public List<RecordResult> write(List<WriteRequest> requests) {
    Batches.requireAtMost(connection, requests, maxWriteBatch);
    return writer.write(requests);
  }

  /**
   * Follow-up tasks are read back from {@code tasks/KEY.json}: {@code "status": "completed"} (with
   * {@code completed-at}, an ISO-8601 instant, and {@code completed-by}) is completed, anything else open; a
   * missing file is a deleted task. One file read per task, no API call.
   */
  @Override
  public boolean readsTasks() {
    return true;
  }

  @Override
  public TaskStates readTasks(List<String> crmTaskIds) {
    Batches.requireAtMostTasks(connection, crmTaskIds, maxTaskRead());
    List<TaskState> states = new ArrayList<>();
    for (String id : crmTaskIds) {
      states.add(folder.read(FileCrmFolder.TASKS, id).map(task -> state(id, task)).orElse(TaskState.deleted(id)));
    }
    return new TaskStates(states, 0);
  }

  private static TaskState state(String id, com.fasterxml.jackson.databind.node.ObjectNode task) {
    java.util.Optional<String> status = text(task, "status");
    boolean completed = status.map("completed"::equalsIgnoreCase).orElse(false);
    return new TaskState(id, completed ? TaskState.Status.COMPLETED : TaskState.Status.OPEN, status,
        completed ? text(task, "completed-at").flatMap(FileCrmAdapter::instant) : java.util.Optional.empty(),
        completed ? text(task, "completed-by").map(by -> new TaskState.User(by, java.util.Optional.empty()))
            : java.util.Optional.empty(),
        text(task, "owner").map(owner -> new TaskState.User(owner, java.util.Optional.empty())),
        text(task, "due").flatMap(due -> {
          try {
            return java.util.Optional.of(java.time.LocalDate.parse(due));
          } catch (java.time.format.DateTimeParseException e) {
            return java.util.Optional.empty();
          }
        }), java.util.Optional.empty());
  }

  private static java.util.Optional<String> text(com.fasterxml.jackson.databind.node.ObjectNode node, String name) {
    return node.hasNonNull(name) && !node.get(name).asText().isBlank()
        ? java.util.Optional.of(node.get(name).asText().strip()) : java.util.Optional.empty();
  }

  private static java.util.Optional<java.time.Instant> instant(String text) {
    try {
      return java.util.Optional.of(java.time.Instant.parse(text));
    } catch (java.time.format.DateTimeParseException e) {
      return java.util.Optional.empty();
    }
  }

  @Override
  public FieldReport describeFields() {
    return report(List.of());
  }

  @Override
  public FieldReport installFields() {
    return report(folder.createFolders());
  }

  /** One line per record folder: created now, present, or missing. */
  private FieldReport report(List<String> created) {
    List<FieldReport.Field> fields = new ArrayList<>();
    for (String kind : FileCrmFolder.KINDS) {
      FieldReport.State state = created.contains(kind) ? FieldReport.State.CREATED
          : Files.isDirectory(folder.root().resolve(kind)) ? FieldReport.State.PRESENT : FieldReport.State.MISSING;
      fields.add(new FieldReport.Field("folder", kind + "/", state));
    }
    return new FieldReport(fields, List.of());
  }

  @Override
  public void close() {
    // every call opens and closes its own files
  }

  @Override
  public String toString() {
    return "JSON-folder adapter for " + connection + " at " + folder.root();
  }
}
