package io.npsconnector.hubspot.client;

/** Which of HubSpot's rate-limit buckets a request draws on. */
public enum Budget {
  /** The app's rolling 10-second bucket: every call but search. */
  STANDARD,
  /** The search API's own bucket, about 5 requests a second. */
  SEARCH
}
