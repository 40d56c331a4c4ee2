package io.npsconnector.app.cli;

import io.npsconnector.app.service.Composition;
import io.npsconnector.app.web.Previews;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.DeliveryReceipt;
import io.npsconnector.core.delivery.SurveyLinks;
import io.npsconnector.core.delivery.email.EmailChannel;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code send-test --trigger NAME --to ADDRESS}: a trigger's mail sent for real, marked as a test, never counted. */
@Command(
    name = "send-test",
    mixinStandardHelpOptions = true,
    description = "Sends a trigger's invitation mail to an address over the configured SMTP server, marked as a "
        + "test ([TEST] subject, X-NPS-Test header), with links to a test page that stores nothing. No invitation "
        + "is made, and nothing counts in reports, fatigue or the send log.")
final class SendTestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand NpsConnectorCommand parent;
  @Mixin ConfigOption config;
  @Mixin PreviewOptions options;

  @Option(names = "--to", required = true, paramLabel = "ADDRESS", description = "Where the test mail goes.")
  String to;

  @Override
  public Integer call() {
    EmailChannel.addressProblem(to).ifPresent(problem -> {
      throw new CommandFailure("--to: " + problem);
    });
    NpsConfig loaded = config.load(parent.environment());
    try (Composition app = Composition.of(loaded)) {
      Previews previews = new Previews(loaded, app.get(SurveyLinks.class), app.get(Clock.class));
      Previews.Request request = options.request(loaded, app, config.file);
      DeliveryReceipt receipt = PreviewSupport.run(() -> previews.sendTest(request, to));
      spec.commandLine().getOut().println("Sent a test mail of trigger " + options.trigger + " to " + to.strip() + " ("
          + loaded.email().map(smtp -> smtp.host() + ":" + smtp.port()).orElse("") + ", Message-ID "
          + receipt.messageId().orElse("none") + "). It is not counted anywhere; its links open a test page that "
          + "stores nothing.");
    }
    return 0;
  }
}
