package io.npsconnector.core.spi;

import java.util.concurrent.Executor;

/**
 * An optional capability of a {@link CrmAdapter}: its CRM calls the connector (webhooks). For each adapter
 * that has it, the service mounts {@code POST /webhooks/TYPE/CONNECTION} (such as
 * {@code /webhooks/hubspot/main}) and hands every request there to the adapter's {@link InboundHandler}, which
 * verifies it (signature, timestamp) and answers it.
 *
 * <p>Contract: {@link #webhooks} is called once, after the engine is ready, and does no I/O. Work that takes
 * longer than the CRM waits for an answer goes to {@code work}; events found go to {@code events}, which
 * stores them idempotently (the polling sync remains the backstop, so an event that arrives both ways is
 * surveyed once). The service shuts {@code work} down, letting running tasks finish, before it closes the
 * adapter.
 *
 * @since 0.1
 */
public interface WebhookReceiver {
  /** The handler of this connection's webhook requests. */
  InboundHandler webhooks(Executor work, EventSink events);
}
