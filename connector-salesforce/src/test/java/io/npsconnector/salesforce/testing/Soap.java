package io.npsconnector.salesforce.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import javax.xml.namespace.QName;

import com.sforce.soap.partner.DescribeSObjectResult;
import com.sforce.ws.bind.TypeMapper;
import com.sforce.ws.parser.XmlOutputStream;

/** SOAP envelopes shaped as the Partner API answers (see the reference envelopes), written by our tests. */
public final class Soap {
  public static final String PARTNER = "urn:partner.soap.sforce.com";
  public static final String SOBJECT = "urn:sobject.partner.soap.sforce.com";
  public static final String FAULT = "urn:fault.partner.soap.sforce.com";

  private Soap() {}

  /** A whole answer: an optional {@code LimitInfoHeader} and the body's content. */
  public static String envelope(String header, String body) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns=\"" + PARTNER + "\""
        + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:sf=\"" + SOBJECT + "\">"
        + (header == null || header.isEmpty() ? "" : "<soapenv:Header>" + header + "</soapenv:Header>")
        + "<soapenv:Body>" + body + "</soapenv:Body></soapenv:Envelope>";
  }

  public static String limitInfo(long current, long limit) {
    return "<LimitInfoHeader><limitInfo><current>" + current + "</current><limit>" + limit + "</limit>"
        + "<type>API REQUESTS</type></limitInfo></LimitInfoHeader>";
  }

  /** A fault answer (sent with HTTP 500); {@code faultType} such as {@code UnexpectedErrorFault}. */
  public static String fault(String code, String faultType, String message) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:sf=\"" + FAULT + "\""
        + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body><soapenv:Fault>"
        + "<faultcode>sf:" + code + "</faultcode><faultstring>" + escape(code + ": " + message) + "</faultstring>"
        + "<detail><sf:" + faultType + " xsi:type=\"sf:" + faultType + "\"><sf:exceptionCode>" + code
        + "</sf:exceptionCode><sf:exceptionMessage>" + escape(message) + "</sf:exceptionMessage></sf:" + faultType
        + "></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>";
  }

  /** The fault type Salesforce uses for a code. */
  public static String faultType(String code) {
    return switch (code) {
      case "INVALID_FIELD" -> "InvalidFieldFault";
      case "MALFORMED_QUERY" -> "MalformedQueryFault";
      case "INVALID_QUERY_LOCATOR" -> "InvalidQueryLocatorFault";
      case "INVALID_SOBJECT", "INVALID_TYPE" -> "InvalidSObjectFault";
      default -> "UnexpectedErrorFault";
    };
  }

  /** A {@code describeSObjectsResponse}, serialized by WSC's own writer so every element is in schema order. */
  public static String describeResponse(DescribeSObjectResult... results) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      XmlOutputStream out = new XmlOutputStream(bytes, false);
      out.setPrefix("", PARTNER);
      out.setPrefix("xsi", "http://www.w3.org/2001/XMLSchema-instance");
      out.writeStartTag(PARTNER, "describeSObjectsResponse");
      TypeMapper mapper = new TypeMapper();
      for (DescribeSObjectResult result : results) {
        result.write(new QName(PARTNER, "result"), out, mapper);
      }
      out.writeEndTag(PARTNER, "describeSObjectsResponse");
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String body = bytes.toString(StandardCharsets.UTF_8);
    return envelope("", body);
  }

  public static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '&' -> escaped.append("&amp;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&apos;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
