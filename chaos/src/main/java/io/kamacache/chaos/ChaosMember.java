package io.kamacache.chaos;

import io.kamacache.cluster.ClusterNode;
import io.kamacache.cluster.HashRing;
import io.kamacache.jcache.KamaCacheManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * A cluster member that also runs clients, driven by its orchestrator over stdin and stdout.
 *
 * <p>It joins the cluster its settings name, opens the cache {@value #CACHE}, prints
 * {@code chaos: ready <memberId> <address>}, and then obeys one command per stdin line, answering each on
 * stdout with a line that starts with {@code chaos: }:
 * <ul>
 *   <li>{@code go}: start the workers ({@code chaos: started});
 *   <li>{@code stop}: let them finish their current operation and end ({@code chaos: stopped <ok ops>});
 *   <li>{@code ring}: {@code chaos: ring <epoch> <member ids, comma-separated> <rebalanced>};
 *   <li>{@code read}: read every key once, recorded as GETs ({@code chaos: read <failed reads>});
 *   <li>{@code exit}, or the end of stdin: leave the cluster gracefully and exit.
 * </ul>
 * SIGTERM also stops the workers and leaves gracefully.
 */
public final class ChaosMember {

  static final String CACHE = "chaos";
  static final String PROVIDER = "io.kamacache.jcache.KamaCachingProvider";
  static final String PREFIX = "chaos: ";

  private ChaosMember() {}

  public static void main(String[] args) throws IOException {
    MemberArgs parsed;
    try {
      parsed = MemberArgs.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("usage: ChaosMember --settings F --history DIR --workers N --keys K --seed S --tag T"
          + " [--think-ms MS] [--incarnation I]: " + e.getMessage());
      System.exit(2);
      return;
    }
    CacheManager manager = Caching.getCachingProvider(PROVIDER)
        .getCacheManager(parsed.settings().toUri(), ChaosMember.class.getClassLoader());
    ClusterNode node = manager.unwrap(KamaCacheManager.class).node();
    if (node == null) {
      System.err.println("chaos member: " + parsed.settings() + " names no etcd endpoints");
      System.exit(1);
    }
    Workload workload = new Workload(cache(manager), parsed, node.memberId());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // Clients drain before the member leaves, as an application would shut down.
      workload.stop();
      workload.failures().print(System.err, "chaos member " + node.memberId());
      manager.close();
    }, "chaos-member-shutdown"));
    say("ready " + node.memberId() + " " + node.address());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null && !line.trim().equals("exit")) {
      switch (line.trim()) {
        case "go":
          workload.start();
          say("started");
          break;
        case "stop":
          say("stopped " + workload.stop());
          workload.failures().print(System.err, "chaos member " + node.memberId());
          break;
        case "ring":
          HashRing ring = node.ring();
          say("ring " + ring.epoch() + " " + String.join(",", new TreeSet<>(ring.members().keySet()))
              + " " + node.rebalanced());
          break;
        case "read":
          say("read " + workload.finalRead());
          break;
        default:
          say("unknown " + line);
      }
    }
    System.exit(0); // the shutdown hook leaves the cluster
  }

  /** The same configuration on every member; whoever defines it first wins, the rest get it. */
  static Cache<String, Long> cache(CacheManager manager) {
    Cache<String, Long> cache = manager.getCache(CACHE, String.class, Long.class);
    if (cache != null) {
      return cache;
    }
    try {
      return manager.createCache(CACHE, new MutableConfiguration<String, Long>().setTypes(String.class, Long.class));
    } catch (CacheException e) {
      // Another member defined it between our look and our create.
      Cache<String, Long> defined = manager.getCache(CACHE, String.class, Long.class);
      if (defined == null) {
        throw e;
      }
      return defined;
    }
  }

  private static void say(String line) {
    synchronized (System.out) {
      System.out.println(PREFIX + line);
      System.out.flush();
    }
  }
}
