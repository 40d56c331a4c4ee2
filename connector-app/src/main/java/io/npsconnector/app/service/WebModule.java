package io.npsconnector.app.service;

import java.time.Clock;
import java.util.Map;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import io.npsconnector.app.web.CapturedMails;
import io.npsconnector.app.web.Dashboard;
import io.npsconnector.app.web.api.ReadApi;
import io.npsconnector.app.web.SurveyServer;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.SurveyLinks;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.store.AdminAuditRepository;
import io.npsconnector.core.store.DashboardUserRepository;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.ReportRepository;
import jakarta.inject.Singleton;

/**
 * The HTTP side: where to listen, the survey server, the dashboard, {@code /health} and {@code /metrics}. The
 * server is started (and owned) by {@link Service}.
 */
final class WebModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(CapturedMails.class).toInstance(CapturedMails.NONE); // the demo binds its SMTP server's mails
  }

  @Provides
  Service.Options options(NpsConfig config) {
    return Service.Options.of(config);
  }

  @Provides
  @Singleton
  SurveyServer server(Engine engine, NpsConfig config, SurveyLinks links, Clock clock, Service.Options options) {
    return new SurveyServer(engine, config, links, clock, options.surveyRequestsPerMinute());
  }

  @Provides
  @Singleton
  Dashboard dashboard(NpsConfig config, Database database, SurveyLinks links, Clock clock, Engine engine,
      CapturedMails mails) {
    return new Dashboard(config, new ReportRepository(database.jdbi()), links.tokens(), clock, engine, mails,
        new DashboardUserRepository(database.jdbi()), new AdminAuditRepository(database.jdbi()));
  }

  @Provides
  @Singleton
  ReadApi readApi(NpsConfig config, Database database, Map<String, CrmAdapter> adapters, Clock clock) {
    return new ReadApi(config, database, adapters, clock);
  }

  @Provides
  @Singleton
  Health health(Database database, Map<String, CrmAdapter> adapters, Engine engine, Clock clock, Lifecycle lifecycle) {
    return lifecycle.own("CRM checks", new Health(database, adapters, engine, clock));
  }

  @Provides
  @Singleton
  Metrics metrics(Database database, Map<String, CrmAdapter> adapters, Health health, Lifecycle lifecycle) {
    return lifecycle.own("metrics", new Metrics(database, adapters, health));
  }
}
