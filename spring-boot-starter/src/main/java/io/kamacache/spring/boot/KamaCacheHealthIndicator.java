package io.kamacache.spring.boot;

import io.kamacache.cluster.ClusterMXBean;
import io.kamacache.cluster.ClusterNode;
import io.kamacache.jcache.KamaCacheManager;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code kamacache} health component. Embedded: UP while the manager is open. In a cluster: UP
 * while this node's etcd lease is proven alive and, for a member, the member is in its own view of
 * the members (a member outside it serves nothing); DOWN otherwise, with the reason.
 */
class KamaCacheHealthIndicator implements HealthIndicator {

  private final KamaCacheManager manager;

  KamaCacheHealthIndicator(KamaCacheManager manager) {
    this.manager = manager;
  }

  @Override
  public Health health() {
    if (manager.isClosed()) {
      return Health.down().withDetail("uri", manager.getURI().toString()).withDetail("reason", "closed").build();
    }
    List<String> caches = new ArrayList<>();
    manager.getCacheNames().forEach(caches::add);
    ClusterNode node = manager.node();
    if (node == null) {
      return Health.up().withDetail("mode", "embedded").withDetail("uri", manager.getURI().toString())
          .withDetail("caches", caches).build();
    }
    ClusterMXBean bean = node.mxbean();
    boolean etcdConnected = bean.isEtcdConnected();
    List<String> members = bean.getMemberIds();
    boolean client = node.address() == null; // a client routes its own calls and is in nobody's view
    boolean inView = client || members.contains(bean.getMemberId());
    Health.Builder health = etcdConnected && inView ? Health.up() : Health.down();
    if (!etcdConnected) {
      health.withDetail("reason", "the etcd lease is not proven alive: etcd cannot be reached, or answers too late");
    } else if (!inView) {
      health.withDetail("reason", "this member is not in its own view of the members yet");
    }
    return health.withDetail("mode", client ? "cluster client" : "cluster member")
        .withDetail("cluster", node.cluster())
        .withDetail("memberId", bean.getMemberId())
        .withDetail("state", bean.getState())
        .withDetail("members", members)
        .withDetail("epoch", bean.getEpoch())
        .withDetail("etcdConnected", etcdConnected)
        .withDetail("caches", caches)
        .build();
  }
}
