package io.npsconnector.app.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP/1.1 as bytes on a socket, for what an HTTP client refuses to send (broken request lines, unknown
 * versions, bodies of any size and framing). The answer is read while the request is still being written,
 * so a server that answers early and closes is seen answering.
 */
final class RawHttp {
  /** What came back; status 0 when the server closed without answering. */
  record Answer(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** Writes the body after the head. */
  @FunctionalInterface
  interface Body {
    void writeTo(OutputStream out) throws IOException;

    Body NONE = out -> { };
  }

  private RawHttp() {}

  static Answer exchange(int port, String head) {
    return exchange(port, head.getBytes(StandardCharsets.ISO_8859_1), Body.NONE);
  }

  static Answer exchange(int port, String head, Body body) {
    return exchange(port, head.getBytes(StandardCharsets.ISO_8859_1), body);
  }

  static Answer exchange(int port, byte[] head, Body body) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(15_000);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      FutureTask<byte[]> answer = new FutureTask<>(() -> readAll(in));
      Thread reader = new Thread(answer, "raw-http-reader");
      reader.setDaemon(true);
      reader.start();
      try {
        out.write(head);
        body.writeTo(out);
        out.flush();
      } catch (IOException e) {
        // the server answered early and closed: the answer is what counts
      }
      return parse(answer.get(20, TimeUnit.SECONDS));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("no answer from the server", e);
    }
  }

  /**
   * A chunked body of {@code total} bytes of {@code unit} repeated, in chunks of 64 KiB; without its last
   * chunk when {@code end} is false, so that only a server that answers before the end can answer at all.
   */
  static Body chunked(byte[] unit, long total, boolean end) {
    return out -> {
      byte[] chunk = new byte[64 * 1024];
      for (int i = 0; i < chunk.length; i++) {
        chunk[i] = unit[i % unit.length];
      }
      byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      for (long sent = 0; sent < total; sent += chunk.length) {
        out.write(size);
        out.write(chunk);
        out.write(new byte[] {'\r', '\n'});
      }
      if (end) {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
    };
  }

  private static byte[] readAll(InputStream in) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        bytes.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // a reset after the answer: keep what arrived
    }
    return bytes.toByteArray();
  }

  private static Answer parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.") || end < 0) {
      return new Answer(0, Map.of(), text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).strip(), (a, b) -> a + ", " + b);
      }
    }
    String body = new String(raw, end + 4, raw.length - end - 4, StandardCharsets.UTF_8);
    return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
  }
}
