package io.npsconnector.hubspot.dto;

/**
 * A record written by a batch call; other fields of HubSpot's answer are ignored.
 *
 * @param objectWriteTraceId the input's trace id, when HubSpot echoes it (newer API versions do on create)
 */
public record WriteRecord(String id, String objectWriteTraceId) {}
