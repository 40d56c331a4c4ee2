package io.npsconnector.app.web;

import java.util.List;

/**
 * What the audit page ({@code web/audit.jte}) shows: one page of the admin audit log, newest first.
 *
 * @param page this page, from 1
 * @param pages how many pages there are (at least 1)
 * @param total how many actions the log holds
 */
record AuditView(String company, List<Row> rows, int page, int pages, long total) {
  /** One action: when, who in which role, what on what, the detail, and from where. */
  record Row(String at, String who, String role, String action, String target, String detail, String address) {}
}
