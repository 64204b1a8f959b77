package io.kamacache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kamacache.cluster.ClusterConfig;
import io.kamacache.cluster.ClusterNode;
import io.kamacache.cluster.MemberState;
import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.jcache.KamaConfiguration;
import io.kamacache.testsupport.Certificates;
import io.kamacache.testsupport.EtcdExtension;
import io.kamacache.testsupport.Ports;
import io.kamacache.testsupport.TempDirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CLI run against a running cluster of three members (in this JVM, on a real etcd), as an
 * operator would run it: its tables, its JSON, its drain, and its errors and exit codes.
 */
class KamaCacheCliTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private final String cluster = "cli-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<CacheManager> managers = new ArrayList<>();
  private Path dir;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void directory() throws IOException {
    dir = Files.createTempDirectory("kamacache-cli-test");
  }

  @AfterEach
  void close() {
    managers.forEach(CacheManager::close);
    TempDirs.delete(dir);
  }

  private Path settings(String name, Map<String, String> extra) {
    Properties properties = new Properties();
    properties.setProperty(ClusterConfig.ENDPOINTS, etcd.endpoint());
    properties.setProperty(ClusterConfig.CLUSTER, cluster);
    properties.setProperty(ClusterConfig.BIND_HOST, "127.0.0.1");
    properties.setProperty(ClusterConfig.LEASE_TTL, "2");
    properties.setProperty(ClusterConfig.TIMEOUT, "10000");
    properties.putAll(extra);
    Path file = dir.resolve(name + ".properties");
    try (Writer writer = Files.newBufferedWriter(file)) {
      properties.store(writer, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private List<CacheManager> start(Map<String, Map<String, String>> members) {
    List<CacheManager> started = new ArrayList<>();
    members.forEach((id, extra) -> {
      Map<String, String> settings = new HashMap<>(extra);
      settings.put(ClusterConfig.MEMBER_ID, id);
      CacheManager manager = Caching.getCachingProvider().getCacheManager(settings(id, settings).toUri(),
          KamaCacheCliTest.class.getClassLoader());
      managers.add(manager);
      started.add(manager);
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!started.stream().allMatch(m -> node(m).state() == MemberState.SERVING
        && node(m).ring().members().size() == members.size())) {
      assertThat(System.nanoTime()).as("members serving within 30 s").isLessThan(deadline);
      Thread.onSpinWait();
    }
    return started;
  }

  private List<CacheManager> threeMembers() {
    Map<String, Map<String, String>> members = new LinkedHashMap<>();
    for (String id : List.of("a", "b", "c")) {
      members.put(id, Map.of());
    }
    return start(members);
  }

  private static ClusterNode node(CacheManager manager) {
    return manager.unwrap(KamaCacheManager.class).node();
  }

  private static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = KamaCacheCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The CLI's settings: only etcd and the cluster's name, as an operator's shortcut would give them. */
  private Run cliAt(String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(List.of("--etcd", etcd.endpoint(), "--cluster", cluster));
    return cli(args.toArray(String[]::new));
  }

  private static Map<String, String> fill(Cache<String, String> cache, int count) {
    Map<String, String> written = new HashMap<>();
    for (int i = 0; i < count; i++) {
      cache.put("k" + i, "v" + i);
      written.put("k" + i, "v" + i);
    }
    return written;
  }

  @Test
  void membersListsAllThreeAsServingInATableAndInJson() {
    List<CacheManager> abc = threeMembers();

    Run table = cliAt("members");
    assertThat(table.code()).as(table.err()).isZero();
    List<String> lines = table.out().lines().toList();
    assertThat(lines.get(0)).startsWith("ID").contains("ADDRESS", "STATE", "EPOCH");
    assertThat(lines).hasSize(4);
    for (int i = 0; i < 3; i++) {
      assertThat(lines.get(i + 1).split(" +")).startsWith(List.of("a", "b", "c").get(i), node(abc.get(i)).address(),
          "member", "SERVING");
    }

    Run json = cliAt("members", "--json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonObject parsed = JsonParser.parseString(json.out()).getAsJsonObject();
    assertThat(parsed.get("cluster").getAsString()).isEqualTo(cluster);
    JsonArray members = parsed.getAsJsonArray("members");
    assertThat(members).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonObject member = members.get(i).getAsJsonObject();
      assertThat(member.get("id").getAsString()).isEqualTo(List.of("a", "b", "c").get(i));
      assertThat(member.get("state").getAsString()).isEqualTo("SERVING");
      assertThat(member.get("address").getAsString()).isEqualTo(node(abc.get(i)).address());
      assertThat(member.get("epoch").getAsLong()).isPositive();
      assertThat(member.get("error").isJsonNull()).isTrue();
    }
  }

  @Test
  void cachesListsEachCacheWithItsEntriesAndConfiguration() {
    List<CacheManager> abc = threeMembers();
    KamaConfiguration<String, String> bounded = new KamaConfiguration<String, String>().setCapacity(5000);
    bounded.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10)));
    fill(abc.get(0).createCache("orders", bounded), 120);
    fill(abc.get(1).createCache("users", new KamaConfiguration<String, String>()), 30);

    Run json = cliAt("caches", "--json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonArray caches = JsonParser.parseString(json.out()).getAsJsonObject().getAsJsonArray("caches");
    assertThat(caches).hasSize(2);
    JsonObject orders = caches.get(0).getAsJsonObject();
    assertThat(orders.get("name").getAsString()).isEqualTo("orders");
    assertThat(orders.get("entries").getAsLong()).isEqualTo(120);
    assertThat(orders.get("capacity").getAsLong()).isEqualTo(5000);
    assertThat(orders.get("expiry").getAsString()).isEqualTo("created 10m");
    assertThat(orders.get("backups").getAsInt()).isEqualTo(1);
    assertThat(orders.getAsJsonObject("members").keySet()).containsExactly("a", "b", "c");
    long perMember = 0;
    for (Map.Entry<String, JsonElement> member : orders.getAsJsonObject("members").entrySet()) {
      perMember += member.getValue().getAsLong();
    }
    assertThat(perMember).isEqualTo(120);
    assertThat(caches.get(1).getAsJsonObject().get("entries").getAsLong()).isEqualTo(30);

    Run table = cliAt("caches");
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out().lines().filter(l -> l.startsWith("orders")).findFirst().orElseThrow().split(" +"))
        .startsWith("orders", "120", "5000", "created", "10m", "1");
    assertThat(table.out().lines().filter(l -> l.startsWith("users")).findFirst().orElseThrow().split(" +"))
        .startsWith("users", "30", "unbounded", "eternal", "1");
  }

  @Test
  void statsShowsEachMembersStatisticsAndTheirTotal() {
    List<CacheManager> abc = threeMembers();
    KamaConfiguration<String, String> counted = new KamaConfiguration<>();
    counted.setStatisticsEnabled(true);
    Cache<String, String> cache = abc.get(0).createCache("counted", counted);
    fill(cache, 40);
    for (int i = 0; i < 50; i++) {
      cache.get("k" + i); // 40 hits, 10 misses
    }

    Run json = cliAt("stats", "counted", "--json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonObject report = JsonParser.parseString(json.out()).getAsJsonObject();
    JsonObject total = report.getAsJsonObject("total");
    assertThat(total.get("puts").getAsLong()).isEqualTo(40);
    assertThat(total.get("hits").getAsLong()).isEqualTo(40);
    assertThat(total.get("misses").getAsLong()).isEqualTo(10);
    assertThat(total.get("entries").getAsLong()).isEqualTo(40);
    JsonObject a = report.getAsJsonArray("members").get(0).getAsJsonObject();
    assertThat(a.get("member").getAsString()).isEqualTo("a");
    assertThat(a.get("puts").getAsLong()).isEqualTo(40);
    assertThat(a.getAsJsonObject("cluster").has("CallsServed")).isTrue();

    Run table = cliAt("stats", "counted");
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out().lines().filter(l -> l.startsWith("TOTAL")).findFirst().orElseThrow().split(" +"))
        .startsWith("TOTAL", "40", "50", "40", "10", "40");

    Run missing = cliAt("stats", "nosuchcache");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("nosuchcache");
  }

  @Test
  void drainMovesAMemberToDrainingWithNoEntryLost() {
    List<CacheManager> abc = threeMembers();
    Map<String, String> written = fill(abc.get(0).createCache("data", new KamaConfiguration<String, String>()), 200);

    Run drained = cliAt("drain", "b", "--json");
    assertThat(drained.code()).as(drained.err()).isZero();
    JsonObject outcome = JsonParser.parseString(drained.out()).getAsJsonObject();
    assertThat(outcome.get("member").getAsString()).isEqualTo("b");
    assertThat(outcome.get("state").getAsString()).isEqualTo("DRAINING");
    assertThat(outcome.get("handedOver").getAsBoolean()).isTrue();
    assertThat(node(abc.get(1)).state()).isEqualTo(MemberState.DRAINING);

    Cache<String, String> viaC = abc.get(2).getCache("data");
    for (Map.Entry<String, String> entry : written.entrySet()) {
      assertThat(viaC.get(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
    }
    Run members = cliAt("members", "--json");
    assertThat(members.code()).as(members.err()).isZero();
    JsonArray left = JsonParser.parseString(members.out()).getAsJsonObject().getAsJsonArray("members");
    assertThat(left).extracting(m -> m.getAsJsonObject().get("id").getAsString()).containsExactly("a", "c");
    Run caches = cliAt("caches", "--json");
    assertThat(JsonParser.parseString(caches.out()).getAsJsonObject().getAsJsonArray("caches").get(0)
        .getAsJsonObject().get("entries").getAsLong()).isEqualTo(200);
  }

  @Test
  void failuresSayWhatWentWrongWithExitCodeOneAndUsageErrorsWithTwo() {
    threeMembers();
    Run unknown = cliAt("drain", "zz");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("no member 'zz'").contains("a, b, c");

    Run noEtcd = cli("members", "--etcd", "http://127.0.0.1:" + Ports.free(), "--cluster", cluster,
        "--timeout", "1500");
    assertThat(noEtcd.code()).isEqualTo(1);
    assertThat(noEtcd.err()).contains("cannot reach etcd");

    Run noSettings = cli("members");
    assertThat(noSettings.code()).isEqualTo(1);
    assertThat(noSettings.err()).contains("no etcd endpoints");

    assertThat(cli().code()).isEqualTo(2);
    assertThat(cli("frobnicate").code()).isEqualTo(2);
    assertThat(cliAt("drain").code()).isEqualTo(2);
    Run badOption = cliAt("members", "--colour");
    assertThat(badOption.code()).isEqualTo(2);
    assertThat(badOption.err()).contains("--colour");
  }

  @Test
  void withMutualTlsAClientCertificateMayListButNotDrain() throws Exception {
    try (Certificates certificates = Certificates.create()) {
      Map<String, Map<String, String>> members = new LinkedHashMap<>();
      for (String id : List.of("a", "b")) {
        members.put(id, tls(certificates, certificates.signed(id)));
      }
      List<CacheManager> ab = start(members);
      Map<String, String> client = new HashMap<>(tls(certificates, certificates.client("ops-reader")));
      Path readerSettings = settings("reader", client);

      Run listed = cli("members", "--config", readerSettings.toString(), "--json");
      assertThat(listed.code()).as(listed.err()).isZero();
      assertThat(JsonParser.parseString(listed.out()).getAsJsonObject().getAsJsonArray("members")).hasSize(2);

      Run refused = cli("drain", "a", "--config", readerSettings.toString());
      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.err()).contains("permission denied").contains("OU=kamacache-admin");
      assertThat(node(ab.get(0)).state()).isEqualTo(MemberState.SERVING);

      Path adminSettings = settings("admin", tls(certificates, certificates.signed("ops", "/OU=kamacache-admin")));
      Run drained = cli("drain", "a", "--config", adminSettings.toString());
      assertThat(drained.code()).as(drained.err()).isZero();
      assertThat(drained.out()).contains("member a: DRAINING");
      assertThat(node(ab.get(0)).state()).isEqualTo(MemberState.DRAINING);
    }
  }

  private static Map<String, String> tls(Certificates certificates, Path[] own) {
    return Map.of(ClusterConfig.TLS_CERT, own[0].toString(), ClusterConfig.TLS_KEY, own[1].toString(),
        ClusterConfig.TLS_TRUST, certificates.caCert().toString());
  }
}
