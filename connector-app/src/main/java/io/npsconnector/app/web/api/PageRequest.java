package io.npsconnector.app.web.api;

import java.util.Optional;

/**
 * Which page of a history: {@code page} from 0, {@code size} answers per page (1 to {@link #MAX_SIZE}).
 *
 * @param number the page, from 0
 * @param size answers per page
 */
record PageRequest(int number, int size) {
  static final int DEFAULT_SIZE = 20;
  static final int MAX_SIZE = 100;
  /** Deeper pages are refused: 10,000 answers of one record are more than any card shows. */
  static final int MAX_OFFSET = 10_000;

  int offset() {
    return number * size;
  }

  /** The query parameters, or the error naming the one at fault. */
  static Result parse(String page, String size) {
    Optional<Integer> number = integer(page, 0);
    if (number.isEmpty() || number.get() < 0) {
      return Result.error("query parameter 'page' must be a whole number from 0, got '" + page + "'");
    }
    Optional<Integer> perPage = integer(size, DEFAULT_SIZE);
    if (perPage.isEmpty() || perPage.get() < 1 || perPage.get() > MAX_SIZE) {
      return Result.error("query parameter 'size' must be a whole number from 1 to " + MAX_SIZE + ", got '" + size
          + "'");
    }
    if ((long) number.get() * perPage.get() > MAX_OFFSET) {
      return Result.error("query parameter 'page' goes beyond the first " + MAX_OFFSET + " answers");
    }
    return new Result(Optional.of(new PageRequest(number.get(), perPage.get())), Optional.empty());
  }

  private static Optional<Integer> integer(String text, int absent) {
    if (text == null || text.isEmpty()) {
      return Optional.of(absent);
    }
    if (!text.matches("[0-9]{1,6}")) {
      return Optional.empty();
    }
    return Optional.of(Integer.parseInt(text));
  }

  /** A page, or why the parameters were refused. */
  record Result(Optional<PageRequest> page, Optional<String> error) {
    static Result error(String message) {
      return new Result(Optional.empty(), Optional.of(message));
    }
  }
}
