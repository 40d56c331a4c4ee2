package io.npsconnector.core.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * What became of one {@link WriteRequest}.
 *
 * @param key the request's key
 * @param crmRecordId the record written or created, when the CRM says
 * @param errorCode the CRM's own code on failure ({@code UNABLE_TO_LOCK_ROW}, {@code VALIDATION_ERROR})
 * @param retriable a failure that may succeed when tried again
 */
public record RecordResult(String key, boolean success, Optional<String> crmRecordId, Optional<String> errorCode,
    Optional<String> message, boolean retriable) {

  public RecordResult {
    Objects.requireNonNull(key, "key");
    if (success && (errorCode.isPresent() || retriable)) {
      throw new IllegalArgumentException("a success has no error code and is not retriable: " + key);
    }
  }

  public static RecordResult ok(String key, String crmRecordId) {
    return new RecordResult(key, true, Optional.ofNullable(crmRecordId), Optional.empty(), Optional.empty(), false);
  }

  public static RecordResult failed(String key, String errorCode, String message, boolean retriable) {
    return new RecordResult(key, false, Optional.empty(), Optional.of(errorCode), Optional.ofNullable(message),
        retriable);
  }
}
