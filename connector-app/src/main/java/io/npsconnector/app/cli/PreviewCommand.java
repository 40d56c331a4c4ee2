package io.npsconnector.app.cli;

import io.npsconnector.app.service.Composition;
import io.npsconnector.app.web.Previews;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.SurveyLinks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code preview --trigger NAME}: a trigger's mail and pages for one contact, as files; nothing is sent or stored. */
@Command(
    name = "preview",
    mixinStandardHelpOptions = true,
    description = "Writes a trigger's invitation mail (HTML, text and .eml) and its survey and thank-you pages, "
        + "for a stored contact or a sample one, into a folder, and prints the files. Sends and stores nothing.")
final class PreviewCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand NpsConnectorCommand parent;
  @Mixin ConfigOption config;
  @Mixin PreviewOptions options;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "preview",
      description = "The folder the files go to (created if needed); default: ${DEFAULT-VALUE}.")
  Path out;

  @Override
  public Integer call() throws IOException {
    NpsConfig loaded = PreviewSupport.load(config, parent);
    try (Composition app = Composition.of(loaded)) {
      Previews previews = new Previews(loaded, app.get(SurveyLinks.class), app.get(Clock.class));
      Previews.Request request = options.request(loaded, app, config.file);
      Previews.Preview preview = PreviewSupport.run(() -> previews.render(request, "assets/"));
      List<Path> files = previews.write(preview, out);
      PrintWriter print = spec.commandLine().getOut();
      print.println("Preview of trigger " + options.trigger + " in " + preview.languageTag() + " for "
          + PreviewSupport.who(preview) + ", subject \"" + preview.mail().subject() + "\":");
      files.forEach(file -> print.println("  " + file));
      print.println("Open the .html files in a browser and the .eml file in a mail program; the links lead to a "
          + "test page that stores nothing.");
    }
    return 0;
  }
}
