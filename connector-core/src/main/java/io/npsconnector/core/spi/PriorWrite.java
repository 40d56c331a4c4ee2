package io.npsconnector.core.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * What the engine knows of earlier writes of a request's key: none, a record the CRM said it created, or
 * an attempt whose outcome is unknown (a timeout, or a process that died between the CRM's answer and the
 * engine's commit). An adapter that cannot create-or-update by the key in one call (Salesforce's
 * {@code upsert}) looks the record up by the key before creating it when {@link #mayExist()}.
 *
 * @param recordId the record an earlier write of this key created or updated, when the CRM said so
 * @param outcomeUnknown an earlier attempt may have reached the CRM without the engine recording its result
 * @since 0.2
 */
public record PriorWrite(Optional<String> recordId, boolean outcomeUnknown) {
  /** The key was never handed to the CRM. */
  public static final PriorWrite NONE = new PriorWrite(Optional.empty(), false);
  /** The key was handed to the CRM and nobody knows what became of it. */
  public static final PriorWrite UNKNOWN = new PriorWrite(Optional.empty(), true);

  public PriorWrite {
    Objects.requireNonNull(recordId, "recordId");
  }

  /** An earlier write of the key that the CRM answered with this record. */
  public static PriorWrite written(String recordId) {
    return new PriorWrite(Optional.of(recordId), false);
  }

  /** True when a record with this key may already be in the CRM. */
  public boolean mayExist() {
    return recordId.isPresent() || outcomeUnknown;
  }
}
