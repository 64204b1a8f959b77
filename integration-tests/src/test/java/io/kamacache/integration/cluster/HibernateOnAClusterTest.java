package io.kamacache.integration.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.jcache.KamaConfiguration;
import io.kamacache.testsupport.EtcdExtension;
import io.kamacache.testsupport.Ports;
import io.kamacache.testsupport.TempDirs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hibernate's second-level cache shared by two application JVMs that are members of one KamaCache
 * cluster, over one H2 database in server mode: an update through one JVM is never read stale
 * through the other, for read-write and nonstrict-read-write entities, a collection, a natural id
 * and a cached query, and Hibernate's statistics show that the other JVM's reads were cache hits,
 * so the cache is shared rather than bypassed. Each JVM names a configuration file
 * ({@code hibernate.javax.cache.uri}) with the cluster settings and templates that bound the regions.
 * Each test uses its own rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HibernateOnAClusterTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  /** Region capacities from the file, so that Hibernate's regions are bounded with no Java code. */
  private static final long ENTITY_CAPACITY = 1000;
  private static final long QUERY_CAPACITY = 200;

  private static final String TEMPLATES = ""
      + "  \"io.kamacache.integration.*\": { capacity: " + ENTITY_CAPACITY + " }\n"
      + "  default-query-results-region: { capacity: " + QUERY_CAPACITY + " }\n";

  private Server database;
  private Path dir;
  private Node a;
  private Node b;

  @BeforeAll
  void start() throws Exception {
    int port = Ports.free();
    database = Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists").start();
    String jdbcUrl = "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:library;DB_CLOSE_DELAY=-1";
    dir = Files.createTempDirectory("kamacache-hibernate");
    ClusterSettings settings = new ClusterSettings(etcd.endpoint(), dir);
    // One after the other: the first creates the schema, and its caches' definitions reach the
    // cluster before the second looks for them.
    a = new Node("a", jdbcUrl, settings.writeYaml("hibernate-a", TEMPLATES).toString(), "create");
    b = new Node("b", jdbcUrl, settings.writeYaml("hibernate-b", TEMPLATES).toString(), "none");
  }

  @AfterAll
  void stop() {
    for (Node node : new Node[] {a, b}) {
      if (node != null) {
        node.close();
      }
    }
    if (database != null) {
      database.stop();
    }
    if (dir != null) {
      TempDirs.delete(dir);
    }
  }

  @Test
  void aReadWriteEntityUpdatedThroughOneJvmIsReadNewThroughTheOtherFromTheCache() {
    a.call("shelf 100 1000:rw-1000:Old");
    assertThat(a.call("volume-title 1000")).isEqualTo("Old");
    b.call("clear-stats");
    assertThat(b.call("volume-title 1000")).isEqualTo("Old");
    assertThat(b.stats()).as("B read what A cached").containsEntry("volume-hits", 1L).containsEntry("entity-loads", 0L);

    b.call("set-volume-title 1000 New");
    a.call("clear-stats");
    assertThat(a.call("volume-title 1000")).isEqualTo("New");
    // read-write puts the new state in the cache as the update commits: A reads it from there.
    assertThat(a.stats()).containsEntry("volume-hits", 1L).containsEntry("entity-loads", 0L);
  }

  @Test
  void aNonstrictEntityUpdatedThroughOneJvmIsReadNewThroughTheOther() {
    a.call("leaflet 200 Old");
    assertThat(a.call("leaflet-title 200")).isEqualTo("Old");
    b.call("clear-stats");
    assertThat(b.call("leaflet-title 200")).isEqualTo("Old");
    assertThat(b.stats()).containsEntry("leaflet-hits", 1L).containsEntry("entity-loads", 0L);

    b.call("set-leaflet-title 200 New");
    a.call("clear-stats");
    // nonstrict-read-write removes the entry when the update commits: A loads the new state once.
    assertThat(a.call("leaflet-title 200")).isEqualTo("New");
    assertThat(a.call("leaflet-title 200")).isEqualTo("New");
    assertThat(a.stats()).containsEntry("entity-loads", 1L).containsEntry("leaflet-hits", 1L);
  }

  @Test
  void aCollectionChangedThroughOneJvmIsReadWholeThroughTheOther() {
    a.call("shelf 300 3000:c-3000:First 3001:c-3001:Second");
    assertThat(a.call("shelf-titles 300")).isEqualTo("First,Second");
    b.call("clear-stats");
    assertThat(b.call("shelf-titles 300")).isEqualTo("First,Second");
    assertThat(b.stats()).containsEntry("collection-hits", 1L).containsEntry("collection-loads", 0L);

    b.call("add-volume 300 3002 c-3002 Third");
    a.call("clear-stats");
    assertThat(a.call("shelf-titles 300")).isEqualTo("First,Second,Third");
    assertThat(a.stats()).as("the stale collection entry was not used").containsEntry("collection-hits", 0L);
  }

  @Test
  void aNaturalIdChangedThroughOneJvmIsResolvedNewThroughTheOther() {
    a.call("shelf 400 4000:n-old:Natural");
    assertThat(a.call("by-isbn n-old")).isEqualTo("Natural");
    b.call("clear-stats");
    assertThat(b.call("by-isbn n-old")).isEqualTo("Natural");
    assertThat(b.stats()).as("B resolved the natural id A cached").containsEntry("natural-id-hits", 1L);

    b.call("set-isbn 4000 n-new");
    assertThat(a.call("by-isbn n-old")).isEqualTo("none");
    assertThat(a.call("by-isbn n-new")).isEqualTo("Natural");
  }

  @Test
  void aCachedQueryIsInvalidatedByAnUpdateThroughTheOtherJvm() {
    a.call("shelf 500 5000:q-5000:Qa 5001:q-5001:Qb");
    assertThat(a.call("query Q")).isEqualTo("Qa,Qb");
    b.call("clear-stats");
    assertThat(b.call("query Q")).isEqualTo("Qa,Qb");
    assertThat(b.stats()).as("B used the result A cached").containsEntry("query-hits", 1L).containsEntry("query-misses", 0L);

    b.call("set-volume-title 5001 Zed");
    a.call("clear-stats");
    assertThat(a.call("query Q")).isEqualTo("Qa");
    assertThat(a.stats()).as("the update's timestamp made the cached result stale")
        .containsEntry("query-hits", 0L).containsEntry("query-misses", 1L);
  }

  @Test
  void theRegionsHaveTheCapacityOfTheirTemplateInTheFileOnBothJvms() {
    for (Node node : new Node[] {a, b}) {
      for (String region : new String[] {Volume.class.getName(), Shelf.class.getName() + ".volumes",
          Volume.class.getName() + "##NaturalId", Leaflet.class.getName()}) {
        assertThat(node.call("capacity " + region)).as(region).isEqualTo(String.valueOf(ENTITY_CAPACITY));
      }
      assertThat(node.call("capacity default-query-results-region")).isEqualTo(String.valueOf(QUERY_CAPACITY));
      assertThat(node.call("capacity default-update-timestamps-region"))
          .as("no template matches it: unbounded").isEqualTo(String.valueOf(KamaConfiguration.UNBOUNDED));
    }
  }

  @Test
  void aCachedStateHoldingAnApplicationClassOutsideTheAllowListFailsNamingTheSetting() {
    // Every entry has a copy on both members (owner and backup), so this write crosses the wire.
    String answer = a.answerTo("poster 600 PUBLISHED");
    assertThat(answer).startsWith("ERR ")
        .contains("class com.acme.shop.Status is not allowed")
        .contains("com.acme.shop.**")
        .contains("kamacache.serialization.allow");
  }

  /** An application JVM running {@link HibernateNode}. */
  private static final class Node implements AutoCloseable {
    private final String name;
    private final Process process;
    private final PrintStream commands;
    private final BufferedReader answers;

    Node(String name, String jdbcUrl, String settings, String schema) throws IOException {
      this.name = name;
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      process = new ProcessBuilder(java, "-Xmx256m", "-cp", classPath, HibernateNode.class.getName(), jdbcUrl, settings, schema)
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
      answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String ready = answer();
      if (!ready.equals("READY")) {
        throw new IllegalStateException("JVM " + name + " did not start: " + ready);
      }
    }

    /** Sends one command and returns its answer; a failed command fails the test. */
    String call(String command) {
      String answer = answerTo(command);
      if (answer.startsWith("ERR ")) {
        throw new AssertionError("JVM " + name + ": '" + command + "' failed: " + answer);
      }
      return answer;
    }

    /** Sends one command and returns its answer, "ERR ..." if it failed. */
    String answerTo(String command) {
      commands.println(command);
      return answer();
    }

    Map<String, Long> stats() {
      Map<String, Long> stats = new HashMap<>();
      for (String pair : call("stats").split(" ")) {
        String[] kv = pair.split("=");
        stats.put(kv[0], Long.valueOf(kv[1]));
      }
      return stats;
    }

    private String answer() {
      try {
        String line;
        while ((line = answers.readLine()) != null) {
          if (line.startsWith(HibernateNode.ANSWER)) {
            return line.substring(HibernateNode.ANSWER.length());
          }
        }
        throw new IllegalStateException("JVM " + name + " exited with " + process.waitFor());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Asks the JVM to close its SessionFactory (it leaves the cluster), and kills it by PID if it does not. */
    @Override
    public void close() {
      commands.println("quit");
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
          process.waitFor();
        }
      } catch (InterruptedException e) {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        Thread.currentThread().interrupt();
      }
    }
  }
}
