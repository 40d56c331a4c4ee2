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
  /** The Message-ID of every message the server accepted (answered its end with 2xx), in order. */
  final List<String> accepted = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger mostOpen = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
  /** Closes a connection after it accepted this many messages (0: never). */
  private volatile int dropAfter;
  /** Closes a connection at the end of this message of it (1-based), without replying (0: never). */
  private volatile int vanishAt;
  /** How long the server takes to answer the end of a message. */
  private volatile long replyMillis;

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

  /** Closes each connection once it accepted {@code mails} messages, as a server with a per-connection limit. */
  FakeSmtpServer droppingAfter(int mails) {
    dropAfter = mails;
    return this;
  }

  /** Closes each connection on the end of its {@code mail}-th message without answering it. */
  FakeSmtpServer vanishingAt(int mail) {
    vanishAt = mail;
    return this;
  }

  /** Answers the end of each message after {@code millis}, so that sends overlap. */
  FakeSmtpServer slow(long millis) {
    replyMillis = millis;
    return this;
  }

  /** How many connections were accepted so far. */
  int connections() {
    return connections.get();
  }

  /** The most connections open at the same time so far. */
  int mostOpen() {
    return mostOpen.get();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        clients.add(client);
        connections.incrementAndGet();
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
    mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
    int messages = 0;
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
            String messageId = null;
            while ((data = in.readLine()) != null && !data.equals(".")) {
              if (messageId == null && data.regionMatches(true, 0, "Message-ID:", 0, 11)) {
                messageId = data.substring(11).strip();
              }
            }
            if (data == null) {
              return; // the client went away before the end of the message: nothing was taken
            }
            messages++;
            if (messages == vanishAt) {
              return;
            }
            pause();
            if (dataReply != null) {
              if (dataReply.startsWith("2")) {
                accepted.add(String.valueOf(messageId));
              }
              write(out, dataReply);
            }
            if (dropAfter > 0 && messages >= dropAfter) {
              return;
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
    } finally {
      open.decrementAndGet();
    }
  }

  private void pause() {
    if (replyMillis > 0) {
      try {
        Thread.sleep(replyMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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
