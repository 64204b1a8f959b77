package io.kamacache.member;

import io.kamacache.cluster.ClusterConfig;
import io.kamacache.cluster.ClusterNode;
import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.jcache.KamaCachingProvider;
import io.kamacache.micrometer.KamaCacheMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * A dedicated cache member: joins the cluster named in a settings file and serves every cache
 * defined in it until the process is told to stop (SIGTERM or Ctrl-C), when it leaves gracefully.
 *
 * <pre>java -jar kamacache-member.jar member.properties</pre>
 *
 * <p>With {@code kamacache.http.port} set, it also serves {@code /metrics} and health probes
 * ({@link ProbeServer}).
 */
public final class MemberMain {

  private MemberMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: java -jar kamacache-member.jar <settings.properties>");
      System.exit(2);
    }
    URI settings = args[0].contains(":") && !args[0].matches("^[A-Za-z]:\\\\.*") ? URI.create(args[0])
        : Path.of(args[0]).toAbsolutePath().toUri();
    CacheManager manager;
    try {
      // By name: the member's class path may hold other JCache providers too.
      manager = Caching.getCachingProvider(KamaCachingProvider.class.getName())
          .getCacheManager(settings, MemberMain.class.getClassLoader());
    } catch (RuntimeException e) {
      System.err.println("kamacache member: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    ClusterNode node = manager.unwrap(KamaCacheManager.class).node();
    if (node == null) {
      System.err.println("kamacache member: " + settings + " names no etcd endpoints ("
          + ClusterConfig.ENDPOINTS + "), so there is no cluster to serve");
      System.exit(1);
    }
    ProbeServer probes;
    try {
      probes = node.probeAddress().map(address -> probes(address, manager, node)).orElse(null);
    } catch (RuntimeException e) {
      System.err.println("kamacache member: cannot start: " + e.getMessage());
      manager.close();
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // The probes stay up while the member leaves, so readiness reports it going rather than vanishing.
      manager.close();
      if (probes != null) {
        probes.close();
      }
      stopped.countDown();
    }, "kamacache-member-shutdown"));
    System.out.println("kamacache member " + node.memberId() + " of cluster '" + node.cluster()
        + "' serving at " + node.address() + "; caches: " + manager.getCacheNames()
        + (probes == null ? "" : "; metrics and health probes at http://"
            + probes.address().getHostString() + ":" + probes.address().getPort()));
    System.out.flush();
    stopped.await();
  }

  /** Metrics in Prometheus' format: the manager's caches and cluster figures, and the JVM's own. */
  private static ProbeServer probes(InetSocketAddress address, CacheManager manager, ClusterNode node) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new KamaCacheMetrics(manager).bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return ProbeServer.start(address, registry::scrape, () -> node.state().name());
  }
}
