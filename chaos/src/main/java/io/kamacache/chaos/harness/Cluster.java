package io.kamacache.chaos.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One run's processes: etcd and the member JVMs, on loopback or each in its own network
 * namespace. It writes the members' settings, hands out worker tags and incarnations, and stops
 * everything it started on close, or when the orchestrator's JVM ends.
 */
final class Cluster implements AutoCloseable {

  /** Each launch gets this many worker tags; ChaosMember accepts fewer workers than that. */
  static final int TAG_BLOCK = 100;
  /** How often the rings are asked for while waiting for them to settle. */
  private static final Duration RING_POLL = Duration.ofMillis(250);

  private static final Set<Cluster> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(Cluster::close), "chaos-cleanup"));
  }

  private final RunOptions options;
  private final Path historyDir;
  private final Path logDir;
  private final Path settingsDir;
  private final Netns netns;
  private final EtcdServer etcd;
  private final String name;
  /** The latest incarnation of each member that is part of the cluster, by id. */
  private final Map<String, MemberJvm> members = new LinkedHashMap<>();
  private final List<MemberJvm> launched = new ArrayList<>();
  private final Map<String, Integer> incarnations = new HashMap<>();

  private Cluster(RunOptions options, Path dir, Netns netns, String name) throws IOException {
    this.options = options;
    this.historyDir = Files.createDirectories(dir.resolve("history"));
    this.logDir = Files.createDirectories(dir.resolve("logs"));
    this.settingsDir = Files.createDirectories(dir.resolve("settings"));
    this.netns = netns;
    this.name = name;
    if (netns != null) {
      netns.createEtcd();
      etcd = EtcdServer.inNamespace(logDir, netns.etcdNamespace(), netns.etcdAddress());
    } else {
      etcd = EtcdServer.loopback(logDir);
    }
  }

  /** Allocates the run's names (and namespaces, if asked); starts nothing yet. */
  static Cluster create(RunOptions options, Path dir, boolean namespaces, Random random) {
    Netns netns = namespaces ? Netns.allocate(random) : null;
    try {
      Cluster cluster = new Cluster(options, dir, netns, "chaos-" + Long.toHexString(random.nextLong() & 0xffffffL));
      OPEN.add(cluster);
      return cluster;
    } catch (IOException | RuntimeException e) {
      if (netns != null) {
        netns.close();
      }
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  Path historyDir() {
    return historyDir;
  }

  EtcdServer etcd() {
    return etcd;
  }

  Netns netns() {
    return netns;
  }

  /** Launches the members together, since JVM start-up is the slow part, and waits until each is ready. */
  List<MemberJvm> startMembers(List<String> ids) {
    List<MemberJvm> started = new ArrayList<>();
    for (String id : ids) {
      started.add(launch(id));
    }
    for (MemberJvm member : started) {
      member.awaitReady(MemberJvm.START_TIMEOUT);
    }
    return started;
  }

  MemberJvm startMember(String id) {
    return startMembers(List.of(id)).get(0);
  }

  /** An id no member of this run has had. */
  String newMemberId() {
    return "m" + (incarnations.size() + 1);
  }

  MemberJvm member(String id) {
    MemberJvm member = members.get(id);
    if (member == null) {
      throw new IllegalArgumentException("no member " + id);
    }
    return member;
  }

  /** The members that are part of the cluster now, in the order they first joined. */
  List<MemberJvm> members() {
    return List.copyOf(members.values());
  }

  /** Takes a member out of the expected membership: it was killed or it left, and is not coming back as itself. */
  void forget(MemberJvm member) {
    members.remove(member.id(), member);
  }

  /**
   * Waits until every member in {@code askers} reports a ring of exactly the current members,
   * rebalanced. Returns how long that took, or null if it did not happen within {@code limit}.
   */
  Duration awaitRings(List<MemberJvm> askers, Duration limit) {
    Set<String> expected = new TreeSet<>(members.keySet());
    long begin = System.nanoTime();
    long deadline = begin + limit.toNanos();
    while (true) {
      boolean settled = true;
      for (MemberJvm member : askers) {
        MemberJvm.Ring ring = member.ring();
        settled &= ring.members().equals(expected) && ring.rebalanced();
      }
      if (settled) {
        return Duration.ofNanos(System.nanoTime() - begin);
      }
      if (System.nanoTime() > deadline) {
        return null;
      }
      Os.sleep(RING_POLL);
    }
  }

  private MemberJvm launch(String id) {
    int incarnation = incarnations.merge(id, 1, Integer::sum) - 1;
    long tag = 1 + (long) launched.size() * TAG_BLOCK;
    String label = incarnation == 0 ? id : id + "~" + incarnation;
    String namespace = null;
    String host = "127.0.0.1";
    if (netns != null) {
      netns.addMember(id);
      namespace = netns.namespace(id);
      host = netns.address(id);
    }
    Path settings = writeSettings(label, id, host);
    List<String> args = List.of("--settings", settings.toString(), "--history", historyDir.toString(),
        "--workers", String.valueOf(options.workers()), "--keys", String.valueOf(options.keys()),
        "--seed", String.valueOf(options.seed()), "--tag", String.valueOf(tag),
        "--think-ms", String.valueOf(options.thinkMillis()), "--incarnation", String.valueOf(incarnation));
    MemberJvm member = MemberJvm.launch(id, incarnation,
        MemberJvm.command(namespace, options.classPath(), args), logDir.resolve(label + ".log"));
    launched.add(member);
    members.put(id, member);
    return member;
  }

  private Path writeSettings(String label, String id, String host) {
    Properties settings = new Properties();
    settings.setProperty("kamacache.etcd.endpoints", etcd.endpoint());
    settings.setProperty("kamacache.cluster.name", name);
    settings.setProperty("kamacache.member.id", id);
    settings.setProperty("kamacache.bind.host", host);
    settings.setProperty("kamacache.advertise.host", host);
    if (!host.startsWith("127.")) {
      // Members in network namespaces serve addresses only this test's namespaces can reach.
      settings.setProperty("kamacache.security.insecure-plaintext", "true");
    }
    settings.setProperty("kamacache.lease.ttl-seconds", String.valueOf(options.timing().leaseTtl().toSeconds()));
    settings.setProperty("kamacache.request.timeout-ms", String.valueOf(options.timing().requestTimeout().toMillis()));
    settings.setProperty("kamacache.serialization.allow", "io.kamacache.chaos.**");
    Path file = settingsDir.resolve(label + ".properties");
    try (Writer writer = Files.newBufferedWriter(file)) {
      settings.store(writer, "chaos member " + label);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Kills every member and etcd and removes the namespaces; histories and logs stay for the caller. */
  @Override
  public synchronized void close() {
    if (!OPEN.remove(this)) {
      return;
    }
    for (MemberJvm member : launched) {
      try {
        member.close();
      } catch (RuntimeException e) {
        System.err.println("chaos: could not stop member " + member + ": " + e);
      }
    }
    etcd.close();
    if (netns != null) {
      netns.close();
    }
  }
}
