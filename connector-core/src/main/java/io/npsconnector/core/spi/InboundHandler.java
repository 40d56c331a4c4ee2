package io.npsconnector.core.spi;

/**
 * Answers requests a CRM sends to the connector ({@link WebhookReceiver}). Thread-safe; never throws for
 * anything a CRM or a stranger can send (a bad signature is a 401 answer, not an exception); never answers
 * or logs a secret.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface InboundHandler {
  InboundResponse handle(InboundRequest request);
}
