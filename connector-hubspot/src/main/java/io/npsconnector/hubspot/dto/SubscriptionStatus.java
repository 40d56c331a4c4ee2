package io.npsconnector.hubspot.dto;

/**
 * One subscriber's status in the answer of a Communication Preferences v4 batch call; other fields of
 * HubSpot's answer are ignored.
 *
 * @param subscriberIdString the address the status is about
 * @param wideStatusType {@code PORTAL_WIDE} or {@code BUSINESS_UNIT_WIDE} for unsubscribe-all
 * @param status {@code SUBSCRIBED} or {@code UNSUBSCRIBED}
 */
public record SubscriptionStatus(String subscriberIdString, String wideStatusType, String status, String channel,
    String timestamp) {}
