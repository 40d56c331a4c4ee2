package io.npsconnector.app.cli;

import io.npsconnector.config.Suggestions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** A command's grammar in one line, and the answer to a usage error: the error, a suggestion, that line. */
final class Usage {
  private Usage() {}

  /**
   * {@code nps-connector explain --config FILE --contact CONNECTION:CRM_ID}: required options bare, optional ones
   * in brackets, help and version left out; a command's {@code customSynopsis} when it has one.
   */
  static String synopsis(CommandSpec spec) {
    if (spec.usageMessage().customSynopsis().length > 0) {
      return String.join(" ", spec.usageMessage().customSynopsis()).strip();
    }
    List<String> words = new ArrayList<>();
    words.add(spec.qualifiedName());
    if (!spec.subcommands().isEmpty()) {
      words.add("COMMAND");
    }
    for (OptionSpec option : spec.options()) {
      if (option.usageHelp() || option.versionHelp() || option.hidden()) {
        continue;
      }
      String word = option.longestName() + (option.arity().max() == 0 ? "" : " " + option.paramLabel());
      words.add(option.required() ? word : "[" + word + "]");
    }
    for (PositionalParamSpec positional : spec.positionalParameters()) {
      if (!positional.hidden()) {
        words.add(positional.required() ? positional.paramLabel() : "[" + positional.paramLabel() + "]");
      }
    }
    return String.join(" ", words);
  }

  /** What a usage error prints: the error, "did you mean" when something is close, and the one-line usage. */
  static String error(CommandLine.ParameterException error, String[] args) {
    CommandSpec spec = error.getCommandLine().getCommandSpec();
    // picocli reports a missing option before an unknown one, yet the unknown one is often the missing one misspelt
    Optional<String> unknown = error instanceof CommandLine.MissingParameterException
        ? Arrays.stream(args).filter(arg -> arg.startsWith("-")).map(arg -> arg.split("=", 2)[0])
            .filter(arg -> spec.findOption(arg) == null).findFirst()
        : Optional.empty();
    StringBuilder text = new StringBuilder(unknown.map(option -> "Unknown option: '" + option + "'")
        .orElse(error.getMessage()));
    unknown.or(() -> unmatched(error)).map(typed -> suggestion(spec, typed)).ifPresent(text::append);
    text.append(System.lineSeparator()).append("Usage: ").append(synopsis(spec)).append(" (see ")
        .append(spec.qualifiedName()).append(spec.subcommands().isEmpty() ? " --help)" : " --help, or "
            + spec.qualifiedName() + " help COMMAND)");
    return text.toString();
  }

  private static Optional<String> unmatched(CommandLine.ParameterException error) {
    return error instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()
        ? Optional.of(unmatched.getUnmatched().get(0)) : Optional.empty();
  }

  /** " — did you mean 'run'?" for an unknown command or option close to one there is, else "". */
  private static String suggestion(CommandSpec spec, String typed) {
    List<String> candidates = new ArrayList<>();
    if (typed.startsWith("-")) {
      typed = typed.split("=", 2)[0];
      spec.options().stream().filter(option -> !option.hidden())
          .forEach(option -> candidates.addAll(List.of(option.names())));
    } else {
      candidates.addAll(spec.subcommands().keySet());
    }
    return Suggestions.didYouMean(typed, candidates);
  }
}
