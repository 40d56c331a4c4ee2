package io.npsconnector.config;

/**
 * A kind of CRM connection ({@code type: hubspot}) and the settings only that kind has. The loader hands
 * each connection's own mapping to the type it names; the type reads its keys there (credentials, URLs,
 * rate limits, ...), records every problem on the section, and returns its settings. Keys neither the
 * loader nor the type asked for are reported as unknown, with a suggestion.
 *
 * <p>Adapter modules implement this through their CRM provider; the loader finds the types of a build
 * through {@link ConnectionTypes}. Implementations are stateless and do no I/O.
 *
 * @since 0.1
 */
public interface ConnectionType {
  /** The name configuration files write after {@code type:}, lower case ({@code hubspot}). */
  String type();

  /**
   * Reads this type's settings from one connection's mapping. Never throws on bad input: problems go to
   * {@code connection} ({@link Section#problem}) and the returned settings may then be incomplete, since a
   * file with problems never loads. Must not call {@link Section#finish()}: the loader does, once.
   */
  CrmSettings readSettings(Section connection);
}
