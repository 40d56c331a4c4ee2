package io.npsconnector.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The README's command reference against the real command line: one section per command, headed by its usage. */
class CommandReferenceTest {
  private static final Pattern HEADING = Pattern.compile("(?m)^### `([a-z-]+)( [^`]*)?`$");

  private final String readme = readme();
  private final CommandLine root = NpsConnectorCommand.commandLine();

  @Test
  void everyCommandHasASectionHeadedByItsUsageThatDescribesEachOption() {
    for (CommandLine command : commands()) {
      CommandSpec spec = command.getCommandSpec();
      String usage = Usage.synopsis(spec).substring("nps-connector ".length());
      String heading = "### `" + usage + "`";
      assertThat(readme).as("README's section for '%s' must be headed by its usage", spec.name()).contains(heading);
      String body = section(heading);
      for (OptionSpec option : spec.options()) {
        if (!option.usageHelp() && !option.versionHelp() && !option.longestName().equals("--config")) {
          assertThat(body).as("README's section '%s' describes %s", usage, option.longestName())
              .contains("`" + option.longestName());
        }
      }
    }
  }

  @Test
  void everySubcommandHasASubsectionOfItsCommandHeadedByItsUsageThatDescribesEachOption() {
    for (CommandLine command : commands()) {
      String parent = section("### `" + Usage.synopsis(command.getCommandSpec()).substring("nps-connector ".length())
          + "`");
      for (CommandLine sub : command.getSubcommands().values()) {
        CommandSpec spec = sub.getCommandSpec();
        String heading = "#### `" + Usage.synopsis(spec).substring("nps-connector ".length()) + "`";
        assertThat(parent).as("README's section of '%s' has one for '%s' headed by its usage", command.getCommandName(),
            spec.name()).contains(heading);
        String body = parent.substring(parent.indexOf(heading) + heading.length());
        body = body.contains("\n#### ") ? body.substring(0, body.indexOf("\n#### ")) : body;
        for (OptionSpec option : spec.options()) {
          if (!option.usageHelp() && !option.versionHelp() && !option.longestName().equals("--config")) {
            assertThat(body).as("README's subsection '%s' describes %s", heading, option.longestName())
                .contains("`" + option.longestName());
          }
        }
      }
    }
  }

  @Test
  void everyCommandSectionOfTheQuickStartIsACommandThatExists() {
    List<String> names = commands().stream().map(command -> command.getCommandName()).toList();
    String quickStart = readme.substring(readme.indexOf("\n## Quick start"));
    quickStart = quickStart.substring(0, quickStart.indexOf("\n## ", 1));
    Matcher heading = HEADING.matcher(quickStart);
    List<String> sections = new ArrayList<>();
    while (heading.find()) {
      sections.add(heading.group(1));
    }
    assertThat(sections).containsExactlyInAnyOrderElementsOf(names);
  }

  @Test
  void theHelpOfEveryCommandRuns() {
    for (CommandLine command : commands()) {
      CommandRun run = CommandRun.of(command.getCommandName(), "--help");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).startsWith("Usage: " + Usage.synopsis(command.getCommandSpec()).split(" \\[| --")[0]);
    }
  }

  private List<CommandLine> commands() {
    return root.getSubcommands().values().stream().filter(command -> !command.getCommandName().equals("help"))
        .toList();
  }

  /** The text after {@code heading} up to the next heading. */
  private String section(String heading) {
    int start = readme.indexOf(heading) + heading.length();
    Matcher next = Pattern.compile("(?m)^#{1,3} ").matcher(readme);
    return readme.substring(start, next.find(start) ? next.start() : readme.length());
  }

  private static String readme() {
    try {
      return Files.readString(Path.of("..", "README.md"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
