package io.npsconnector.core.delivery.email;

/**
 * Spares each mail a search of the class path: Jakarta Mail looks its stream provider up with a
 * {@link java.util.ServiceLoader} (reading every jar's service files) each time a body part is built or written,
 * several times per mail, unless the system property {@value #PROPERTY} names the provider. {@link #pin} names
 * Angus Mail's, the provider that search finds, when the property is unset and Angus Mail is present; the mails
 * are the same.
 */
final class MailStreams {
  static final String PROPERTY = "jakarta.mail.util.StreamProvider";
  static final String ANGUS = "org.eclipse.angus.mail.util.MailStreamProvider";

  private MailStreams() {}

  /** Names Angus Mail's stream provider, unless a provider is already named (idempotent). */
  static synchronized void pin() {
    if (System.getProperty(PROPERTY) != null) {
      return;
    }
    try {
      Class.forName(ANGUS, false, MailStreams.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return; // another implementation: Jakarta Mail finds it as before
    }
    System.setProperty(PROPERTY, ANGUS);
  }
}
