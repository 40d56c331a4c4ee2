package io.npsconnector.core.trigger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Where a contact falls in [0, 1) for one trigger: a hash, so that a re-run, another instance or next
 * week's pass decides the same, and different triggers sample different contacts.
 */
final class Sampling {
  private Sampling() {}

  /** SHA-256 of {@code connection/trigger/contactId}; its first 8 bytes, unsigned, as a fraction. */
  static double position(String connection, String trigger, String contactId) {
    byte[] hash = sha256().digest((connection + "/" + trigger + "/" + contactId).getBytes(StandardCharsets.UTF_8));
    long bits = ByteBuffer.wrap(hash, 0, Long.BYTES).getLong();
    // the top 53 bits fill a double's mantissa exactly, so the result can never round up to 1.0
    return (bits >>> 11) * 0x1.0p-53;
  }

  /** True when the contact is inside the sample; every contact is at a rate of 1. */
  static boolean sampled(double position, double rate) {
    return position < rate;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
