package io.kamacache.tck;

import io.kamacache.cluster.ClusterConfig;
import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.testsupport.EtcdProcess;
import io.kamacache.testsupport.MemberProcess;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.runner.Description;
import org.junit.runner.Result;
import org.junit.runner.notification.RunListener;

/**
 * Turns the TCK run into a clustered one: before the first test it starts etcd and two member
 * processes on loopback, and points the test JVM's default CacheManager at the same cluster, so
 * most keys are owned, loaded, written and expired on other members. Everything it started is
 * stopped after the last test.
 */
public final class ClusterTckListener extends RunListener {

  private static final String CLUSTER = "tck";
  /**
   * The TCK's loaders, writers, listeners, processors and domain objects travel between members;
   * its socket clients carry the InetAddress of the test JVM's servers.
   */
  private static final String ALLOW = "org.jsr107.tck.**,domain.**,java.net.InetAddress,java.net.Inet4Address,"
      + "java.net.Inet6Address,java.net.InetAddress$InetAddressHolder,java.net.Inet6Address$Inet6AddressHolder";

  private EtcdProcess etcd;
  private final List<MemberProcess> members = new ArrayList<>();

  @Override
  public void testRunStarted(Description description) throws Exception {
    if (!Boolean.getBoolean("kamacache.tck.cluster") || etcd != null) {
      return;
    }
    etcd = EtcdProcess.start();
    Properties settings = new Properties();
    settings.setProperty(ClusterConfig.ENDPOINTS, etcd.endpoint());
    settings.setProperty(ClusterConfig.CLUSTER, CLUSTER);
    settings.setProperty(ClusterConfig.BIND_HOST, "127.0.0.1");
    settings.setProperty(ClusterConfig.LEASE_TTL, "5");
    settings.setProperty(ClusterConfig.SERIALIZATION_ALLOW, ALLOW);
    Path dir = Files.createTempDirectory("kamacache-tck-cluster");
    for (String id : List.of("tck-member-1", "tck-member-2")) {
      Properties member = new Properties();
      member.putAll(settings);
      member.setProperty(ClusterConfig.MEMBER_ID, id);
      Path file = dir.resolve(id + ".properties");
      try (Writer writer = Files.newBufferedWriter(file)) {
        member.store(writer, "clustered TCK member");
      }
      members.add(MemberProcess.start(file.toUri()));
    }
    for (String name : settings.stringPropertyNames()) {
      System.setProperty(name, settings.getProperty(name));
    }
    // Proves the run is clustered before any test relies on it: the default manager sees all three.
    CacheManager probe = Caching.getCachingProvider().getCacheManager();
    awaitRingSize(probe, 3);
    probe.close();
    System.out.println("clustered TCK: etcd at " + etcd.endpoint() + ", 2 member processes, this JVM the third member");
  }

  private static void awaitRingSize(CacheManager manager, int size) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (manager.unwrap(KamaCacheManager.class).node().ring().members().size() != size) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the ring did not reach " + size + " members in 30 s");
      }
      Thread.onSpinWait();
    }
  }

  @Override
  public void testRunFinished(Result result) throws InterruptedException {
    for (MemberProcess member : members) {
      member.stop();
    }
    members.clear();
    if (etcd != null) {
      etcd.close();
      etcd = null;
    }
  }
}
