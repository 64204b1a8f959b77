package io.kamacache.member;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The member's HTTP side for monitoring: {@code /metrics} in Prometheus' text format,
 * {@code /health/live} (200 while the process can answer) and {@code /health/ready} (200 only
 * while the member serves its keys; 503 while joining, draining, fenced or stopped).
 *
 * <p>It serves nothing else and reads no request body, so it exposes figures and states, never a
 * key or a value.
 */
final class ProbeServer implements AutoCloseable {

  /** The state in which a member takes traffic; every other state makes the readiness probe fail. */
  static final String READY_STATE = "SERVING";

  /** Scrapes and probes are rare and small; one thread answers them all without competing with the cache. */
  private static final int THREADS = 1;

  /** Seconds a close waits for an answer being written: a probe must not delay the member's shutdown. */
  private static final int STOP_DELAY_SECONDS = 0;

  private final HttpServer server;
  private final ExecutorService executor;

  private ProbeServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving at {@code address} (port 0 picks a free one).
   *
   * @param metrics what {@code /metrics} returns, in Prometheus' text exposition format
   * @param state the member's state now ({@code JOINING}, {@code SERVING}, ...)
   */
  static ProbeServer start(InetSocketAddress address, Supplier<String> metrics, Supplier<String> state) {
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics and health probes at " + address + ": " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newFixedThreadPool(THREADS, task -> {
      Thread thread = new Thread(task, "kamacache-probes");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/metrics", exchange -> answer(exchange, 200,
        "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
    server.createContext("/health/live", exchange -> answer(exchange, 200, "text/plain; charset=utf-8", "UP\n"));
    server.createContext("/health/ready", exchange -> {
      String now = state.get();
      answer(exchange, READY_STATE.equals(now) ? 200 : 503, "text/plain; charset=utf-8", now + "\n");
    });
    server.start();
    return new ProbeServer(server, executor);
  }

  /** Where it listens, with the port it got. */
  InetSocketAddress address() {
    return server.getAddress();
  }

  private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      boolean head = "HEAD".equals(method);
      if (!head && !"GET".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      // A context matches by prefix; only the exact path is served.
      if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if (head) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(STOP_DELAY_SECONDS);
    executor.shutdownNow();
  }
}
