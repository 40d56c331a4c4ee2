package io.npsconnector.hubspot.client;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/** Everything logged anywhere at DEBUG and above while open: messages, arguments and exceptions, as text. */
final class LogCapture implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Level previous = root.getLevel();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture() {
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
    root.setLevel(Level.DEBUG);
  }

  List<ILoggingEvent> events() {
    return List.copyOf(appender.list);
  }

  /** Every piece of text an appender could print: raw and formatted message, each argument, each cause. */
  List<String> texts() {
    List<String> texts = new ArrayList<>();
    for (ILoggingEvent event : events()) {
      texts.add(event.getMessage());
      texts.add(event.getFormattedMessage());
      if (event.getArgumentArray() != null) {
        Arrays.stream(event.getArgumentArray()).map(String::valueOf).forEach(texts::add);
      }
      for (IThrowableProxy cause = event.getThrowableProxy(); cause != null; cause = cause.getCause()) {
        texts.add(cause.getMessage());
      }
    }
    texts.removeIf(Objects::isNull);
    return texts;
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
    root.setLevel(previous);
  }
}
