package io.npsconnector.core.alert;

/**
 * One alert mail, rendered.
 *
 * @param key the alert's idempotency key, from which the {@code Message-ID} is made (the same on every attempt)
 * @param to the recipient's address
 */
public record AlertMail(String key, String to, String subject, String text, String html) {}
