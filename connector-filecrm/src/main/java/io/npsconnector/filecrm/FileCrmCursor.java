package io.npsconnector.filecrm;

/**
 * Where a sync of a JSON folder stopped: the last contact read (its {@code modified-at} and id) and the last
 * event read (its {@code occurred-at} and id). Records sort by time, then id; empty strings before any.
 */
record FileCrmCursor(String contactTime, String contactId, String eventTime, String eventId) {
  static final FileCrmCursor START = new FileCrmCursor("", "", "", "");
}
