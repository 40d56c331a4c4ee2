package io.npsconnector.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The benchmark's SMTP server: it speaks enough SMTP for any client (greeting, EHLO with its extensions, MAIL,
 * RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT), accepts every message and keeps only how many it accepted.
 * A mail provider parses and queues a message on its own machines; a server that did so here (GreenMail parses and
 * stores each mail) would take the cores the connector is measured on. Loopback only, one thread per connection.
 */
final class SinkSmtpServer implements AutoCloseable {
  private final ServerSocket socket;
  private final ExecutorService sessions = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "bench-smtp-session");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  SinkSmtpServer() throws IOException {
    socket = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    sessions.execute(this::acceptAll);
  }

  int port() {
    return socket.getLocalPort();
  }

  /** Messages accepted (the end of their DATA answered 250). */
  int received() {
    return accepted.get();
  }

  /** Commands answered with an error (out of order or unknown): a client that would fail against a real server. */
  int refused() {
    return refused.get();
  }

  private void acceptAll() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        sessions.execute(() -> converse(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void converse(Socket client) {
    try (client;
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
            StandardCharsets.ISO_8859_1), 64 * 1024);
        OutputStream out = client.getOutputStream()) {
      client.setTcpNoDelay(true);
      send(out, "220 bench-smtp ESMTP ready");
      boolean sender = false;
      int recipients = 0;
      String line;
      while ((line = in.readLine()) != null) {
        String verb = (line.length() > 4 ? line.substring(0, 4) : line).toUpperCase(Locale.ROOT);
        switch (verb) {
          case "EHLO" -> send(out, "250-bench-smtp\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 SIZE 52428800");
          case "HELO" -> send(out, "250 bench-smtp");
          case "MAIL" -> {
            sender = true;
            recipients = 0;
            send(out, "250 2.1.0 sender ok");
          }
          case "RCPT" -> {
            if (sender) {
              recipients++;
              send(out, "250 2.1.5 recipient ok");
            } else {
              refuse(out, "503 5.5.1 MAIL first");
            }
          }
          case "DATA" -> {
            if (recipients == 0) {
              refuse(out, "503 5.5.1 RCPT first");
              continue;
            }
            send(out, "354 end with <CRLF>.<CRLF>");
            while ((line = in.readLine()) != null && !line.equals(".")) {
              // the message is read to its end and dropped
            }
            if (line == null) {
              return;
            }
            accepted.incrementAndGet();
            sender = false;
            recipients = 0;
            send(out, "250 2.0.0 queued as " + accepted.get());
          }
          case "RSET" -> {
            sender = false;
            recipients = 0;
            send(out, "250 2.0.0 ok");
          }
          case "NOOP" -> send(out, "250 2.0.0 ok");
          case "QUIT" -> {
            send(out, "221 2.0.0 bye");
            return;
          }
          default -> refuse(out, "500 5.5.2 unknown command");
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private void refuse(OutputStream out, String reply) throws IOException {
    refused.incrementAndGet();
    send(out, reply);
  }

  private static void send(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    sessions.shutdownNow();
  }
}
