package io.npsconnector.app.web;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.npsconnector.core.render.HtmlOutput;
import io.npsconnector.core.store.FollowUpRepository;
import io.npsconnector.core.store.FollowUpRepository.FollowUp;
import io.npsconnector.core.store.FollowUpRepository.Status;

/**
 * The follow-up inbox ({@code /admin/follow-ups}), behind the admin sign-in: the follow-up tasks the engine wrote,
 * as last read back from the CRMs, open (overdue ones marked), completed and deleted; the close rate and the
 * median time from the answer to the task's completion, overall, per owner and per value of one segment of the
 * contacts ({@code ?segment=NAME}, one of the connections' {@code segments}), each with its n. Tasks the engine
 * withdrew itself (the answer no longer calls for a follow-up) are not counted.
 */
public final class FollowUpPage {
  /** The closed tasks listed, newest first (the figures count them all). */
  static final int CLOSED_LISTED = 200;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
      .withZone(ZoneOffset.UTC);

  private final FollowUpRepository followUps;
  private final Clock clock;
  private final Predicate<Context> signedIn;

  FollowUpPage(FollowUpRepository followUps, Clock clock, Predicate<Context> signedIn) {
    this.followUps = followUps;
    this.clock = clock;
    this.signedIn = signedIn;
  }

  void register(Javalin app) {
    app.get("/admin/follow-ups", ctx -> {
      if (signedIn.test(ctx)) {
        HtmlOutput out = HtmlOutput.toText();
        JtefollowupsGenerated.render(out, null, view(followUps.all(), Optional.ofNullable(ctx.queryParam("segment")),
            LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)));
        Dashboard.html(ctx, 200, out.toString());
      }
    });
  }

  /** The page's figures and lists. */
  record View(List<Tile> tiles, List<String> segments, String segment, List<Group> byOwner, List<Group> bySegment,
      List<Row> open, List<Row> closed, int closedTotal) {}

  record Tile(String label, String value, String detail) {}

  /** One owner's or segment value's figures; {@code n} counts its follow-ups (open, completed, deleted). */
  public record Group(String name, int n, int open, int overdue, int completed, int deleted, String closeRate,
      String medianTimeToClose) {}

  /** One follow-up as listed. */
  record Row(String answered, String contact, String connection, String score, String owner, String due,
      String state, boolean overdue) {}

  static View view(List<FollowUp> all, Optional<String> segmentAsked, LocalDate today) {
    List<FollowUp> counted = all.stream().filter(task -> task.status() != Status.WITHDRAWN).toList();
    TreeSet<String> segments = new TreeSet<>();
    counted.forEach(task -> segments.addAll(task.segments().keySet()));
    String segment = segmentAsked.filter(segments::contains).orElse(segments.isEmpty() ? "" : segments.first());
    Group overall = group("all", counted, today);
    List<Tile> tiles = List.of(
        new Tile("Open", Integer.toString(overall.open()), overall.overdue() + " overdue"),
        new Tile("Completed", Integer.toString(overall.completed()), overall.deleted() + " deleted in the CRM"),
        new Tile("Close rate", overall.closeRate(), "n = " + overall.n()),
        new Tile("Median time to close", overall.medianTimeToClose(), "answer to completion, n = "
            + overall.completed()));
    List<Row> open = counted.stream().filter(task -> task.status() == Status.OPEN)
        .sorted(Comparator.comparing((FollowUp task) -> task.dueDate().orElse(LocalDate.MAX)))
        .map(task -> row(task, today)).toList();
    List<FollowUp> closedTasks = counted.stream().filter(task -> task.status() != Status.OPEN)
        .sorted(Comparator.comparing((FollowUp task) -> task.completedAt().orElse(task.readAt())).reversed()).toList();
    return new View(tiles, List.copyOf(segments), segment, groups(counted, FollowUp::owner, today),
        segment.isEmpty() ? List.of() : groups(counted, task -> task.segments().getOrDefault(segment, "(none)"), today),
        open, closedTasks.stream().limit(CLOSED_LISTED).map(task -> row(task, today)).toList(), closedTasks.size());
  }

  private static List<Group> groups(List<FollowUp> tasks, Function<FollowUp, String> key, LocalDate today) {
    Map<String, List<FollowUp>> by = new TreeMap<>();
    tasks.forEach(task -> by.computeIfAbsent(key.apply(task), name -> new ArrayList<>()).add(task));
    return by.entrySet().stream().map(entry -> group(entry.getKey(), entry.getValue(), today)).toList();
  }

  /**
   * The figures of some follow-ups: the close rate is completed over all of them (open, completed, deleted); the
   * median time to close runs from the answer to the completion, over the completed ones.
   */
  public static Group group(String name, List<FollowUp> tasks, LocalDate today) {
    int open = 0;
    int overdue = 0;
    int completed = 0;
    int deleted = 0;
    List<Duration> toClose = new ArrayList<>();
    for (FollowUp task : tasks) {
      switch (task.status()) {
        case OPEN -> {
          open++;
          overdue += task.overdue(today) ? 1 : 0;
        }
        case COMPLETED -> {
          completed++;
          task.answeredAt().ifPresent(answered -> task.completedAt()
              .ifPresent(done -> toClose.add(Duration.between(answered, done))));
        }
        case DELETED -> deleted++;
        case WITHDRAWN -> { }
      }
    }
    int n = open + completed + deleted;
    String rate = n == 0 ? "–" : String.format(java.util.Locale.ROOT, "%.0f %%", 100.0 * completed / n);
    return new Group(name, n, open, overdue, completed, deleted, rate, median(toClose).map(FollowUpPage::duration)
        .orElse("–"));
  }

  /** The median of some durations (the mean of the two middle ones for an even count). */
  static Optional<Duration> median(List<Duration> durations) {
    if (durations.isEmpty()) {
      return Optional.empty();
    }
    List<Duration> sorted = durations.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return Optional.of(sorted.size() % 2 == 1 ? sorted.get(middle)
        : sorted.get(middle - 1).plus(sorted.get(middle)).dividedBy(2));
  }

  /** A duration as people read it: {@code 3 d 4 h}, {@code 5 h 10 min}, {@code 12 min}. */
  static String duration(Duration duration) {
    long minutes = Math.max(0, duration.toMinutes());
    long days = minutes / (24 * 60);
    long hours = minutes / 60 % 24;
    if (days > 0) {
      return days + " d " + hours + " h";
    }
    return hours > 0 ? hours + " h " + minutes % 60 + " min" : minutes + " min";
  }

  private static Row row(FollowUp task, LocalDate today) {
    boolean overdue = task.overdue(today);
    String state = switch (task.status()) {
      case OPEN -> (overdue ? "overdue" : "open") + task.crmStatus().map(status -> " (" + status + ")").orElse("");
      case COMPLETED -> "completed " + task.completedAt().map(TIME::format).orElse("")
          + task.completedByName().or(task::completedById).map(by -> " by " + by).orElse("")
          + task.answeredAt().flatMap(answered -> task.completedAt()
              .map(done -> ", " + duration(Duration.between(answered, done)) + " after the answer")).orElse("");
      case DELETED -> "deleted in the CRM";
      case WITHDRAWN -> "withdrawn";
    };
    return new Row(task.answeredAt().map(TIME::format).orElse(""),
        task.contactName().orElse(task.contactId().orElse("")), task.connection(),
        task.score().isPresent() ? Integer.toString(task.score().getAsInt()) : "", task.owner(),
        task.dueDate().map(LocalDate::toString).orElse(""), state, overdue);
  }
}
