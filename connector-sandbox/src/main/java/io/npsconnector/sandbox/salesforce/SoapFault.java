package io.npsconnector.sandbox.salesforce;

/**
 * A call-level failure, answered as a SOAP fault with HTTP 500 and a typed {@code detail} element, as the
 * Partner API does ({@code sf:UnexpectedErrorFault}, {@code sf:InvalidFieldFault}, ...).
 */
final class SoapFault extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final boolean deserialization;

  SoapFault(String code, String message) {
    this(code, message, false);
  }

  private SoapFault(String code, String message, boolean deserialization) {
    super(message, null, false, false);
    this.code = code;
    this.deserialization = deserialization;
  }

  /**
   * The request's XML breaks the WSDL's element sequence (such as {@code fieldsToNull} after {@code Id} in an
   * sObject): Salesforce refuses it while reading the envelope, before any API code runs, with a plain
   * {@code soapenv:Client} fault naming the element, and no typed {@code detail}.
   */
  static SoapFault elementOutOfPlace(String namespace, String element) {
    return new SoapFault(null, "Element {" + namespace + "}" + element + " invalid at this location", true);
  }

  /** A fault raised while reading the envelope: {@code soapenv:Client}, no {@code detail}. */
  boolean deserialization() {
    return deserialization;
  }

  String code() {
    return code;
  }

  /** The fault type Salesforce puts in {@code detail} for this code. */
  String faultType() {
    return switch (code) {
      case "INVALID_FIELD" -> "InvalidFieldFault";
      case "MALFORMED_QUERY" -> "MalformedQueryFault";
      case "INVALID_QUERY_LOCATOR" -> "InvalidQueryLocatorFault";
      case "INVALID_TYPE", "INVALID_SOBJECT" -> "InvalidSObjectFault";
      case "INVALID_ID_FIELD" -> "InvalidIdFault";
      case "INVALID_LOGIN" -> "LoginFault";
      default -> "UnexpectedErrorFault";
    };
  }

  static SoapFault invalidField(String field, String entity) {
    return new SoapFault("INVALID_FIELD", "No such column '" + field + "' on entity '" + entity + "'. If you are "
        + "attempting to use a custom field, be sure to append the '__c' after the custom field name. Please "
        + "reference your WSDL or the describe call for the appropriate names.");
  }

  static SoapFault invalidType(String type) {
    return new SoapFault("INVALID_TYPE", "sObject type '" + type + "' is not supported. If you are attempting to "
        + "use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or "
        + "the describe call for the appropriate names.");
  }

  static SoapFault malformed(String statement, String message) {
    return new SoapFault("MALFORMED_QUERY", "\n" + statement + "\n^\nERROR at Row:1:Column:1\n" + message);
  }
}
