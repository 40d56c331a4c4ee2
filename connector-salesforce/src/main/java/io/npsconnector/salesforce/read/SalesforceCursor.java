package io.npsconnector.salesforce.read;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.npsconnector.core.spi.support.JsonCursors;
import io.npsconnector.core.spi.SyncCursor;

/**
 * Where a Salesforce sync stands, kept in {@link SyncCursor#value()} as compact JSON.
 *
 * <p>A <em>pass</em> reads every object in the window {@code SystemModstamp >= checkpoint} and
 * {@code < to} (no lower bound on the first pass), one phase after the other: contacts (live and deleted),
 * won opportunities with their contact roles, contact roles added later, closed cases. Within a phase,
 * {@code locator} is the open query's cursor for {@code queryMore}, and {@code afterStamp}/{@code afterId}
 * the last record handed out, from which the query starts again when the locator has expired. When a
 * pass ends, {@code checkpoint} moves to {@code to}; a pass that found nothing at all leaves the cursor as
 * it was, so an idle sync returns the cursor it was given.
 *
 * @param checkpoint epoch seconds up to which everything was read, or -1 before the first pass ended
 * @param to epoch seconds where the open pass's window ends, or -1 when no pass is open
 * @param phase the object being read in the open pass
 * @param afterStamp epoch milliseconds of the last record handed out in this phase, or -1
 * @param afterId its id, or null
 * @param locator the open query's locator, or null
 * @param found whether the open pass has handed out anything yet
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SalesforceCursor(long checkpoint, long to, String phase, long afterStamp, String afterId,
    String locator, boolean found) {
  public static final String CONTACTS = "contacts";
  public static final String OPPORTUNITIES = "opportunities";
  public static final String ROLES = "roles";
  public static final String CASES = "cases";
  public static final List<String> PHASES = List.of(CONTACTS, OPPORTUNITIES, ROLES, CASES);
  public static final SalesforceCursor START = new SalesforceCursor(-1, -1, CONTACTS, -1, null, null, false);

  public SalesforceCursor {
    if (!PHASES.contains(phase)) {
      throw new IllegalArgumentException("unknown phase '" + phase + "'");
    }
  }

  public static SalesforceCursor decode(SyncCursor cursor) {
    return JsonCursors.decode(cursor, SalesforceCursor.class, START, "a Salesforce sync cursor");
  }

  public SyncCursor encode() {
    return JsonCursors.encode(this, START);
  }

  public boolean passOpen() {
    return to >= 0;
  }

  /** A new pass over {@code [checkpoint, windowEnd)}, from the first phase. */
  public SalesforceCursor open(long windowEnd) {
    return new SalesforceCursor(checkpoint, windowEnd, CONTACTS, -1, null, null, false);
  }

  /** A page of the current phase was handed out; {@code nextLocator} null when the query is done. */
  public SalesforceCursor page(long lastStamp, String lastId, String nextLocator, boolean anything) {
    return new SalesforceCursor(checkpoint, to, phase, lastStamp, lastId, nextLocator, found || anything);
  }

  /** The locator expired: the next read queries again from {@code afterStamp}/{@code afterId}. */
  public SalesforceCursor withoutLocator() {
    return new SalesforceCursor(checkpoint, to, phase, afterStamp, afterId, null, found);
  }

  /** On to the next phase, or the pass's end after the last. */
  public SalesforceCursor nextPhase() {
    int index = PHASES.indexOf(phase);
    if (index + 1 < PHASES.size()) {
      return new SalesforceCursor(checkpoint, to, PHASES.get(index + 1), -1, null, null, found);
    }
    return new SalesforceCursor(to, -1, CONTACTS, -1, null, null, false);
  }
}
