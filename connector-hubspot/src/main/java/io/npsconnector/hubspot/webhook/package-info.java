/**
 * HubSpot webhook deliveries, framework-free: an HTTP server hands a {@link
 * io.npsconnector.core.spi.InboundRequest} to {@link
 * io.npsconnector.hubspot.webhook.HubSpotWebhookHandler} and writes back the {@link
 * io.npsconnector.hubspot.webhook.WebhookResponse}. Deal and ticket stage changes go on to a {@link
 * io.npsconnector.hubspot.webhook.StageChangeSink}; the polling sync stays the backstop.
 */
package io.npsconnector.hubspot.webhook;
