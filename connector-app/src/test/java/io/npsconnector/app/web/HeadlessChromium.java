package io.npsconnector.app.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Debian's headless Chromium driven over the DevTools protocol (a WebSocket from the JDK): navigate, evaluate,
 * emulate a phone, take screenshots, and collect every console error, exception and log error (CSP
 * violations included). Only loopback is reached.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<Void>> loads = new CopyOnWriteArrayList<>();

  /** The Chromium binary on this machine, if any. */
  static Optional<Path> binary() {
    for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return Optional.of(Path.of(candidate));
      }
    }
    return Optional.empty();
  }

  HeadlessChromium(Path binary, Path profile) throws IOException, InterruptedException {
    this(binary, profile, List.of());
  }

  /** @param flags more command-line flags, such as features to disable */
  HeadlessChromium(Path binary, Path profile, List<String> flags) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless=new", "--no-sandbox",
        "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
        "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + profile));
    command.addAll(flags);
    command.add("about:blank");
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String browserUrl = waitForDevTools();
    URI browser = URI.create(browserUrl);
    HttpClient http = HttpClient.newHttpClient();
    String pageSocket = null;
    for (int attempt = 0; attempt < 50 && pageSocket == null; attempt++) {
      HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://" + browser.getHost() + ":"
          + browser.getPort() + "/json/list")).build(), HttpResponse.BodyHandlers.ofString());
      for (JsonNode target : JSON.readTree(list.body())) {
        if ("page".equals(target.path("type").asText())) {
          pageSocket = target.path("webSocketDebuggerUrl").asText();
          break;
        }
      }
      if (pageSocket == null) {
        Thread.sleep(100);
      }
    }
    if (pageSocket == null) {
      throw new IllegalStateException("Chromium opened no page");
    }
    socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new Listener()).join();
    for (String domain : List.of("Page", "Runtime", "Log", "Network")) {
      call(domain + ".enable", Map.of());
    }
  }

  private String waitForDevTools() throws IOException {
    BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String line;
    while (System.nanoTime() < deadline && (line = output.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher matcher = LISTENING.matcher(line);
      if (matcher.find()) {
        Thread drain = new Thread(() -> output.lines().forEach(rest -> { }), "chromium-output");
        drain.setDaemon(true);
        drain.start();
        return matcher.group(1);
      }
    }
    throw new IllegalStateException("Chromium did not start its DevTools endpoint:\n" + seen);
  }

  /** One DevTools command and its result. */
  JsonNode call(String method, Map<String, ?> params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    pending.put(id, result);
    ObjectNode message = JSON.createObjectNode();
    message.put("id", id);
    message.put("method", method);
    message.set("params", JSON.valueToTree(params));
    socket.sendText(message.toString(), true).join();
    try {
      JsonNode answer = result.get(30, TimeUnit.SECONDS);
      if (answer.has("error")) {
        throw new IllegalStateException(method + " failed: " + answer.path("error"));
      }
      return answer.path("result");
    } catch (Exception e) {
      throw new IllegalStateException(method + ": " + e.getMessage(), e);
    }
  }

  /** Opens {@code url} and waits for its load event. */
  void navigate(String url) {
    CompletableFuture<Void> loaded = new CompletableFuture<>();
    loads.add(loaded);
    call("Page.navigate", Map.of("url", url));
    loaded.orTimeout(30, TimeUnit.SECONDS).join();
  }

  /** Runs {@code expression} (such as a form's submit) and waits for the page it leads to to load. */
  void evaluateAndWaitForLoad(String expression) {
    CompletableFuture<Void> loaded = new CompletableFuture<>();
    loads.add(loaded);
    evaluate(expression);
    loaded.orTimeout(30, TimeUnit.SECONDS).join();
  }

  /** The value of a JavaScript expression in the page (the test's own probe, not the page's code). */
  JsonNode evaluate(String expression) {
    return call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true))
        .path("result").path("value");
  }

  void viewport(int width, int height, boolean mobile) {
    call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1,
        "mobile", mobile));
  }

  void cookie(String name, String value, String url) {
    call("Network.setCookie", Map.of("name", name, "value", value, "url", url));
  }

  void screenshot(Path file) throws IOException {
    JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
    Files.createDirectories(file.getParent());
    Files.write(file, java.util.Base64.getDecoder().decode(shot.path("data").asText()));
  }

  /** Console errors, uncaught exceptions and error log entries (CSP violations, failed loads) so far. */
  List<String> errors() {
    return new ArrayList<>(errors);
  }

  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the browser goes anyway
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        handle(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    private void handle(String text) {
      try {
        JsonNode message = JSON.readTree(text);
        if (message.has("id")) {
          CompletableFuture<JsonNode> waiting = pending.remove(message.path("id").asInt());
          if (waiting != null) {
            waiting.complete(message);
          }
          return;
        }
        String method = message.path("method").asText();
        JsonNode params = message.path("params");
        switch (method) {
          case "Page.loadEventFired" -> loads.forEach(load -> load.complete(null));
          case "Runtime.exceptionThrown" -> errors.add("exception: " + params.path("exceptionDetails"));
          case "Runtime.consoleAPICalled" -> {
            if ("error".equals(params.path("type").asText())) {
              errors.add("console.error: " + params.path("args"));
            }
          }
          case "Log.entryAdded" -> {
            if ("error".equals(params.path("entry").path("level").asText())) {
              errors.add("log: " + params.path("entry").path("text").asText() + " "
                  + params.path("entry").path("url").asText());
            }
          }
          default -> { }
        }
      } catch (IOException e) {
        errors.add("unreadable DevTools message: " + e.getMessage());
      }
    }
  }

  static Duration timeout() {
    return Duration.ofSeconds(30);
  }
}
