package io.kamacache.member;

import io.kamacache.cluster.ClusterConfig;
import io.kamacache.cluster.ClusterNode;
import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.jcache.KamaCachingProvider;
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
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      manager.close();
      stopped.countDown();
    }, "kamacache-member-shutdown"));
    System.out.println("kamacache member " + node.memberId() + " of cluster '" + node.cluster()
        + "' serving at " + node.address() + "; caches: " + manager.getCacheNames());
    System.out.flush();
    stopped.await();
  }
}
