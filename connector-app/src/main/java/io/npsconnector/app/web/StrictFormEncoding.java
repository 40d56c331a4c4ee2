package io.npsconnector.app.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.util.Optional;

/**
 * Checks {@code application/x-www-form-urlencoded} text (a query string or a form body) strictly, where the
 * usual decoders quietly drop or replace what they cannot read: every {@code %} starts two hex digits, and
 * the bytes, raw and percent-decoded, are valid in the request's charset.
 */
final class StrictFormEncoding {
  private StrictFormEncoding() {}

  /** What is wrong with raw body bytes in {@code charset}, or empty when they are well-formed. */
  static Optional<String> problemInBody(byte[] body, Charset charset) {
    Optional<String> text = decode(body, charset);
    return text.isEmpty() ? Optional.of("the form body is not valid " + charset.name())
        : problemInText(text.get(), charset);
  }

  /** What is wrong with url-encoded text, or empty when it is well-formed. */
  static Optional<String> problemInText(String text, Charset charset) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
        int low = high < 0 ? -1 : Character.digit(text.charAt(i + 2), 16);
        if (low < 0) {
          return Optional.of("a '%' at offset " + i + " is not followed by two hex digits");
        }
        bytes.write(high * 16 + low);
        i += 2;
      } else if (c == '&' || c == '=') {
        if (decode(bytes.toByteArray(), charset).isEmpty()) {
          return Optional.of("a percent-encoded value is not valid " + charset.name());
        }
        bytes.reset();
      } else {
        int codePoint = text.codePointAt(i);
        byte[] raw = new String(Character.toChars(codePoint)).getBytes(charset);
        bytes.write(raw, 0, raw.length);
        i += Character.charCount(codePoint) - 1;
      }
    }
    return decode(bytes.toByteArray(), charset).isPresent() ? Optional.empty()
        : Optional.of("a percent-encoded value is not valid " + charset.name());
  }

  private static Optional<String> decode(byte[] bytes, Charset charset) {
    try {
      return Optional.of(charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
