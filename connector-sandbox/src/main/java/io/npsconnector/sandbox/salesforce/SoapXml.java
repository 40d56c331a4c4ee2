package io.npsconnector.sandbox.salesforce;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** SOAP envelopes in the shapes the Partner API answers with. */
final class SoapXml {
  static final String PARTNER = "urn:partner.soap.sforce.com";
  static final String SOBJECT = "urn:sobject.partner.soap.sforce.com";
  static final String FAULT = "urn:fault.partner.soap.sforce.com";
  static final String ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/";
  static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  private SoapXml() {}

  /** A whole answer: the {@code LimitInfoHeader} (if any) and the body's content. */
  static String envelope(String header, String body) {
    StringBuilder xml = new StringBuilder(body.length() + 600);
    xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .append("<soapenv:Envelope xmlns:soapenv=\"").append(ENVELOPE).append("\" xmlns=\"").append(PARTNER)
        .append("\" xmlns:xsi=\"").append(XSI).append("\" xmlns:sf=\"").append(SOBJECT).append("\">");
    if (header != null && !header.isEmpty()) {
      xml.append("<soapenv:Header>").append(header).append("</soapenv:Header>");
    }
    return xml.append("<soapenv:Body>").append(body).append("</soapenv:Body></soapenv:Envelope>").toString();
  }

  static String limitInfo(long current, long limit) {
    return "<LimitInfoHeader><limitInfo><current>" + current + "</current><limit>" + limit + "</limit>"
        + "<type>API REQUESTS</type></limitInfo></LimitInfoHeader>";
  }

  static String fault(SoapFault fault) {
    if (fault.deserialization()) {
      return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"" + ENVELOPE + "\">"
          + "<soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>"
          + escape(fault.getMessage()) + "</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>";
    }
    String type = fault.faultType();
    String message = fault.getMessage();
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        + "<soapenv:Envelope xmlns:soapenv=\"" + ENVELOPE + "\" xmlns:sf=\"" + FAULT + "\" xmlns:xsi=\"" + XSI + "\">"
        + "<soapenv:Body><soapenv:Fault><faultcode>sf:" + fault.code() + "</faultcode><faultstring>"
        + escape(fault.code() + ": " + message) + "</faultstring><detail><sf:" + type + " xsi:type=\"sf:" + type
        + "\"><sf:exceptionCode>" + fault.code() + "</sf:exceptionCode><sf:exceptionMessage>" + escape(message)
        + "</sf:exceptionMessage></sf:" + type + "></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>";
  }

  /** Salesforce's dateTime form, always with milliseconds: {@code 2025-01-15T10:30:00.000Z}. */
  static String dateTime(Instant instant) {
    return DATE_TIME.format(instant);
  }

  static String escape(String text) {
    StringBuilder escaped = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement = switch (c) {
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '&' -> "&amp;";
        case '"' -> "&quot;";
        case '\'' -> "&apos;";
        default -> null;
      };
      if (replacement != null && escaped == null) {
        escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (escaped != null) {
        if (replacement != null) {
          escaped.append(replacement);
        } else {
          escaped.append(c);
        }
      }
    }
    return escaped == null ? text : escaped.toString();
  }

  /** {@code <sf:name>value</sf:name>}, or {@code xsi:nil} when there is none. */
  static void field(StringBuilder xml, String name, String value) {
    if (value == null) {
      xml.append("<sf:").append(name).append(" xsi:nil=\"true\"/>");
    } else {
      xml.append("<sf:").append(name).append('>').append(escape(value)).append("</sf:").append(name).append('>');
    }
  }
}
