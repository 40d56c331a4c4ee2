package io.npsconnector.app.cli;

/**
 * A failure a command reports to the user as its message alone, without a stack trace, exit code 1.
 */
final class CommandFailure extends RuntimeException {
  static final int EXIT_CODE = 1;

  CommandFailure(String message) {
    super(message);
  }
}
