package io.npsconnector.app.web;

import java.util.Locale;
import java.util.Map;

/**
 * The words around the survey (buttons, labels, the unsubscribe and error pages) in the languages the
 * built-in template speaks: en, de, fr, es and pt-BR; anything else reads English.
 */
record UiText(String notLikely, String veryLikely, String scaleHint, String comment, String commentHint,
    String submit, String update, String thanksUpdate, String yourAnswer, String unsubscribeTitle,
    String unsubscribeQuestion, String unsubscribeButton, String unsubscribed, String linkInvalid,
    String linkExpired, String closed, String badRequest, String formExpired, String tooMany, String notFound,
    String failed, String unsubscribeLink, String saved, String optional) {

  private static final Map<String, UiText> BY_LANGUAGE = Map.of(
      "en", new UiText("Not at all likely", "Extremely likely", "Choose a score from 0 to 10.",
          "What is the main reason for your score? (optional)", "At most %d characters.", "Send my answer",
          "Update my answer", "You can change your answer until the survey closes.", "Your answer",
          "Unsubscribe", "Stop receiving these surveys at %s?", "Unsubscribe", "You will not receive these surveys "
              + "again.", "This link is not valid. Please use the link from your e-mail as it is.",
          "This survey has closed. Thank you for your time.", "This survey is closed.",
          "Please choose a score from 0 to 10.", "This page has expired. Please open the link from your e-mail "
              + "again.", "Too many requests. Please wait a minute and try again.", "There is nothing here.",
          "Something went wrong on our side. Please try again later.", "Unsubscribe from these surveys", "Your score %d is saved. Tell us why?", "(optional)"),
      "de", new UiText("Äußerst unwahrscheinlich", "Äußerst wahrscheinlich", "Wählen Sie einen Wert von 0 bis 10.",
          "Was ist der wichtigste Grund für Ihre Bewertung? (optional)", "Höchstens %d Zeichen.",
          "Antwort senden", "Antwort ändern", "Sie können Ihre Antwort ändern, bis die Umfrage endet.",
          "Ihre Antwort", "Abmelden", "Keine dieser Umfragen mehr an %s senden?", "Abmelden",
          "Sie erhalten diese Umfragen nicht mehr.", "Dieser Link ist ungültig. Bitte verwenden Sie den Link aus "
              + "Ihrer E-Mail unverändert.", "Diese Umfrage ist beendet. Danke für Ihre Zeit.",
          "Diese Umfrage ist beendet.", "Bitte wählen Sie einen Wert von 0 bis 10.", "Diese Seite ist abgelaufen. "
              + "Bitte öffnen Sie den Link aus Ihrer E-Mail erneut.", "Zu viele Anfragen. Bitte warten Sie eine "
              + "Minute.", "Hier gibt es nichts.", "Bei uns ist etwas schiefgegangen. Bitte versuchen Sie es "
              + "später erneut.", "Von diesen Umfragen abmelden", "Ihre Bewertung %d ist gespeichert. Verraten Sie uns, warum?",
          "(optional)"),
      "fr", new UiText("Pas du tout probable", "Très probable", "Choisissez une note de 0 à 10.",
          "Quelle est la raison principale de votre note ? (facultatif)", "%d caractères au plus.",
          "Envoyer ma réponse", "Modifier ma réponse", "Vous pouvez modifier votre réponse jusqu'à la clôture.",
          "Votre réponse", "Se désabonner", "Ne plus recevoir ces enquêtes à %s ?", "Se désabonner",
          "Vous ne recevrez plus ces enquêtes.", "Ce lien n'est pas valide. Utilisez le lien de votre e-mail tel "
              + "quel.", "Cette enquête est close. Merci pour votre temps.", "Cette enquête est close.",
          "Choisissez une note de 0 à 10.", "Cette page a expiré. Ouvrez à nouveau le lien de votre e-mail.",
          "Trop de requêtes. Patientez une minute.", "Il n'y a rien ici.", "Une erreur s'est produite de notre "
              + "côté. Réessayez plus tard.", "Se désabonner de ces enquêtes", "Votre note de %d est enregistrée. Dites-nous pourquoi ?",
          "(facultatif)"),
      "es", new UiText("Nada probable", "Muy probable", "Elija una puntuación de 0 a 10.",
          "¿Cuál es el motivo principal de su puntuación? (opcional)", "Como máximo %d caracteres.",
          "Enviar mi respuesta", "Cambiar mi respuesta", "Puede cambiar su respuesta hasta que cierre la encuesta.",
          "Su respuesta", "Darse de baja", "¿Dejar de recibir estas encuestas en %s?", "Darse de baja",
          "No volverá a recibir estas encuestas.", "Este enlace no es válido. Use el enlace de su correo tal "
              + "cual.", "Esta encuesta ha cerrado. Gracias por su tiempo.", "Esta encuesta está cerrada.",
          "Elija una puntuación de 0 a 10.", "Esta página ha caducado. Abra de nuevo el enlace de su correo.",
          "Demasiadas solicitudes. Espere un minuto.", "Aquí no hay nada.", "Algo salió mal por nuestra parte. "
              + "Inténtelo más tarde.", "Darse de baja de estas encuestas", "Su puntuación %d está guardada. ¿Nos dice por qué?",
          "(opcional)"),
      "pt", new UiText("Nada provável", "Extremamente provável", "Escolha uma nota de 0 a 10.",
          "Qual é o principal motivo da sua nota? (opcional)", "No máximo %d caracteres.", "Enviar minha resposta",
          "Alterar minha resposta", "Você pode alterar sua resposta até a pesquisa encerrar.", "Sua resposta",
          "Cancelar inscrição", "Deixar de receber estas pesquisas em %s?", "Cancelar inscrição",
          "Você não receberá mais estas pesquisas.", "Este link não é válido. Use o link do seu e-mail como está.",
          "Esta pesquisa foi encerrada. Obrigado pelo seu tempo.", "Esta pesquisa está encerrada.",
          "Escolha uma nota de 0 a 10.", "Esta página expirou. Abra novamente o link do seu e-mail.",
          "Muitas solicitações. Aguarde um minuto.", "Não há nada aqui.", "Algo deu errado do nosso lado. Tente "
              + "novamente mais tarde.", "Cancelar inscrição nestas pesquisas", "Sua nota %d foi salva. Conte-nos por quê?",
          "(opcional)"));

  static UiText of(Locale locale) {
    return BY_LANGUAGE.getOrDefault(locale.getLanguage(), BY_LANGUAGE.get("en"));
  }

  /** The language tag a page in this locale declares ({@code <html lang>}): one the texts exist for. */
  static String languageTag(Locale locale) {
    if (!BY_LANGUAGE.containsKey(locale.getLanguage())) {
      return "en";
    }
    return locale.getLanguage().equals("pt") ? "pt-BR" : locale.getLanguage();
  }
}
