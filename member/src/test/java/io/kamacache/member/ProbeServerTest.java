package io.kamacache.member;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProbeServerTest {

  private final AtomicReference<String> state = new AtomicReference<>("JOINING");
  private final AtomicReference<String> metrics = new AtomicReference<>("kamacache_x 1.0\n");
  private final HttpClient http = HttpClient.newHttpClient();
  private ProbeServer server;

  @BeforeEach
  void start() {
    server = ProbeServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics::get, state::get);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void readinessFollowsTheMemberStateAndIsReadyOnlyWhileServing() throws Exception {
    assertThat(get("/health/ready").statusCode()).isEqualTo(503);
    assertThat(get("/health/ready").body()).isEqualTo("JOINING\n");
    state.set("SERVING");
    assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    for (String notReady : new String[] {"DRAINING", "FENCED", "CLOSED"}) {
      state.set(notReady);
      HttpResponse<String> answer = get("/health/ready");
      assertThat(answer.statusCode()).as(notReady).isEqualTo(503);
      assertThat(answer.body()).isEqualTo(notReady + "\n");
    }
  }

  @Test
  void livenessAnswersWhateverTheState() throws Exception {
    for (String any : new String[] {"JOINING", "SERVING", "DRAINING", "FENCED"}) {
      state.set(any);
      assertThat(get("/health/live").statusCode()).as(any).isEqualTo(200);
    }
  }

  @Test
  void metricsAreServedFreshOnEveryScrapeInPrometheusTextFormat() throws Exception {
    HttpResponse<String> first = get("/metrics");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    assertThat(first.body()).isEqualTo("kamacache_x 1.0\n");
    metrics.set("kamacache_x 2.0\n");
    assertThat(get("/metrics").body()).isEqualTo("kamacache_x 2.0\n");
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    assertThat(get("/metrics/extra").statusCode()).isEqualTo(404);
    assertThat(get("/").statusCode()).isEqualTo(404);
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/health/ready"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
  }
}
