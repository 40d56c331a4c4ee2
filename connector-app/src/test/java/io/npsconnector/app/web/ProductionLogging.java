package io.npsconnector.app.web;

import java.net.URL;
import java.util.List;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.read.ListAppender;

/**
 * Logging as the shipped {@code logback.xml} configures it (not the tests' own configuration), with every
 * event that would be written captured; closing restores the tests' configuration.
 */
final class ProductionLogging implements AutoCloseable {
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();

  ProductionLogging() {
    URL shipped = SurveyServer.class.getResource("/logback.xml");
    if (shipped == null) {
      throw new IllegalStateException("the shipped logback.xml is not on the class path");
    }
    configure(shipped);
    events.setContext(context);
    events.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(events);
  }

  /** Everything logged so far. */
  List<ILoggingEvent> events() {
    return List.copyOf(events.list);
  }

  /** Warnings, errors and anything with a stack trace. */
  List<ILoggingEvent> problems() {
    return events().stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN)
        || event.getThrowableProxy() != null).toList();
  }

  private void configure(URL file) {
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(file);
    } catch (JoranException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  @Override
  public void close() {
    context.reset();
    try {
      new ContextInitializer(context).autoConfig();
    } catch (JoranException e) {
      throw new IllegalStateException(e);
    }
  }
}
