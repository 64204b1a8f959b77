package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.codec.WireCodec;
import io.kamacache.testsupport.EtcdExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What ClusterMXBean says of the view, etcd, calls made and backups, against real operations. */
class ClusterMXBeanFiguresTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private Members members;

  @BeforeEach
  void start() {
    members = new Members(etcd.endpoint());
  }

  @AfterEach
  void stop() {
    members.close();
  }

  @Test
  void callsMadeAndBackupsWrittenCountEachPutOnce() {
    List<CacheManager> managers = members.openAll("x1", "x2");
    ClusterMXBean x1 = Members.node(managers.get(0)).mxbean();
    ClusterMXBean x2 = Members.node(managers.get(1)).mxbean();
    assertThat(x1.getMemberIds()).containsExactly("x1", "x2");
    assertThat(x2.getMemberIds()).containsExactly("x1", "x2");
    assertThat(x1.isEtcdConnected()).isTrue();

    Cache<Integer, Integer> cache = managers.get(0).createCache("figures", new MutableConfiguration<>());
    HashRing ring = Members.node(managers.get(0)).ring();
    WireCodec codec = Members.node(managers.get(0)).codec();
    int owned = 0;
    int remote = 0;
    for (int key = 0; owned < 5 || remote < 5; key++) {
      cache.put(key, key);
      if (ring.owner(codec.encode(key)).id().equals("x1")) {
        owned++;
      } else {
        remote++;
      }
    }

    assertThat(x1.getCallsMadeByMethod()).containsEntry("Put", (long) remote);
    assertThat(x1.getCallNanosByMethod().get("Put")).isPositive();
    // x1 backs up its own keys on x2, and x2 those x1 sent it on x1.
    assertThat(x1.getBackupsWritten()).isEqualTo(owned);
    assertThat(x2.getBackupsWritten()).isEqualTo(remote);
    assertThat(x2.getCallsMadeByMethod()).containsEntry("Backup", (long) remote);
  }

  @Test
  void etcdConnectedFollowsTheLeaseProof() throws Exception {
    ClusterMXBean bean = Members.node(members.openAll("y1").get(0)).mxbean();
    assertThat(bean.isEtcdConnected()).isTrue();
    etcd.process().stopProcess();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (bean.isEtcdConnected()) {
        assertThat(System.nanoTime() - deadline).as("the proof to lapse").isNegative();
        Thread.onSpinWait();
      }
    } finally {
      etcd.process().startProcess();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!bean.isEtcdConnected()) {
      assertThat(System.nanoTime() - deadline).as("the proof to come back").isNegative();
      Thread.onSpinWait();
    }
  }
}
