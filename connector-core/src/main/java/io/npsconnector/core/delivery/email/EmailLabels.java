package io.npsconnector.core.delivery.email;

import java.util.Locale;
import java.util.Map;

/**
 * The words of a survey mail that are not in its template: the reminder prefix, the ends of the 0-10 scale and
 * the unsubscribe line. Chosen by the language of the template texts the mail uses, so that they always match;
 * languages without labels of their own get the English ones.
 *
 * @param reminderPrefix put before a reminder's subject
 * @param notLikely the label of 0
 * @param extremelyLikely the label of 10
 * @param unsubscribeQuestion the sentence before the unsubscribe link
 * @param unsubscribe the unsubscribe link's text
 * @param colon between a label and its value in the plain text, {@code ": "} (French: {@code " : "})
 */
record EmailLabels(
    String reminderPrefix, String notLikely, String extremelyLikely, String unsubscribeQuestion, String unsubscribe,
    String colon) {

  static final EmailLabels ENGLISH = new EmailLabels("Reminder: ", "Not at all likely", "Extremely likely",
      "Don't want to receive these surveys?", "Unsubscribe", ": ");

  private static final Map<String, EmailLabels> BY_LANGUAGE = Map.of(
      "en", ENGLISH,
      "de", new EmailLabels("Erinnerung: ", "Überhaupt nicht wahrscheinlich", "Äußerst wahrscheinlich",
          "Sie möchten keine solchen Umfragen mehr erhalten?", "Abmelden", ": "),
      "fr", new EmailLabels("Rappel : ", "Pas du tout probable", "Très probable",
          "Vous ne souhaitez plus recevoir ces enquêtes ?", "Se désabonner", " : "),
      "es", new EmailLabels("Recordatorio: ", "Nada probable", "Muy probable",
          "¿No desea recibir más encuestas como esta?", "Darse de baja", ": "),
      "pt", new EmailLabels("Lembrete: ", "Nada provável", "Extremamente provável",
          "Não quer mais receber estas pesquisas?", "Cancelar inscrição", ": "));

  /** The labels of {@code languageTag}'s language ({@code pt-BR}: Portuguese), English for any other. */
  static EmailLabels of(String languageTag) {
    String language = Locale.forLanguageTag(languageTag).getLanguage();
    return BY_LANGUAGE.getOrDefault(language, ENGLISH);
  }
}
