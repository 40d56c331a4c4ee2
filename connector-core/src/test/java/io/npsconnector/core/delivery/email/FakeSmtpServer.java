package io.npsconnector.core.delivery.email;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny SMTP server on 127.0.0.1 for failure tests: it answers RCPT TO (or AUTH) with a reply of the test's
 * choosing (or the end of the message: a refusal, or silence), or, when silent, accepts connections and never
 * says a word. Records the commands it received.
 */
final class FakeSmtpServer implements AutoCloseable {
  private final ServerSocket socket;
  private final String rcptReply;
  private final boolean silent;
  private final boolean offerAuth;
  private final String dataReply;
  private final List<Socket> clients = new CopyOnWriteArrayList<>();
  final List<String> commands = new CopyOnWriteArrayList<>();

  private FakeSmtpServer(String rcptReply, boolean silent, boolean offerAuth) throws IOException {
    this(rcptReply, silent, offerAuth, "250 2.0.0 queued");
  }

  private FakeSmtpServer(String rcptReply, boolean silent, boolean offerAuth, String dataReply) throws IOException {
    this.socket = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
    this.rcptReply = rcptReply;
    this.silent = silent;
    this.offerAuth = offerAuth;
    this.dataReply = dataReply;
    Thread acceptor = new Thread(this::accept, "fake-smtp-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Answers RCPT TO with {@code reply}, everything else as a willing server would. */
  static FakeSmtpServer answeringRcpt(String reply) throws IOException {
    return new FakeSmtpServer(reply, false, false);
  }

  /** Offers AUTH and refuses every login with 535. */
  static FakeSmtpServer refusingLogin() throws IOException {
    return new FakeSmtpServer("250 2.1.5 OK", false, true);
  }

  /** Takes the whole message, then answers its end with {@code reply}, or never when it is null. */
  static FakeSmtpServer answeringData(String reply) throws IOException {
    return new FakeSmtpServer("250 2.1.5 OK", false, false, reply);
  }

  /** Accepts connections and never answers. */
  static FakeSmtpServer silent() throws IOException {
    return new FakeSmtpServer(null, true, false);
  }

  int port() {
    return socket.getLocalPort();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        clients.add(client);
        if (!silent) {
          Thread session = new Thread(() -> converse(client), "fake-smtp-session");
          session.setDaemon(true);
          session.start();
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  private void converse(Socket client) {
    try (client;
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
            StandardCharsets.US_ASCII));
        OutputStream out = client.getOutputStream()) {
      write(out, "220 fake.example.com ESMTP ready");
      String line;
      while ((line = in.readLine()) != null) {
        commands.add(line);
        String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        switch (verb) {
          case "EHLO" -> write(out, offerAuth ? "250-fake.example.com\r\n250 AUTH PLAIN LOGIN" : "250 fake.example.com");
          case "HELO" -> write(out, "250 fake.example.com");
          case "AUTH" -> write(out, "535 5.7.8 Authentication credentials invalid");
          case "MAIL" -> write(out, "250 2.1.0 OK");
          case "RCPT" -> write(out, rcptReply);
          case "DATA" -> {
            write(out, "354 End data with <CR><LF>.<CR><LF>");
            String data;
            while ((data = in.readLine()) != null && !data.equals(".")) {
              // the message itself is of no interest here
            }
            if (dataReply != null) {
              write(out, dataReply);
            }
          }
          case "QUIT" -> {
            write(out, "221 2.0.0 bye");
            return;
          }
          default -> write(out, "250 2.0.0 OK");
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static void write(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket client : clients) {
      client.close();
    }
  }
}
