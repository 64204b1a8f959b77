package io.kamacache.micrometer;

import io.kamacache.cluster.ClusterMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one cluster member, read from its {@link ClusterMXBean}: fixed ones made at once,
 * and one per peer method or near cache, made by {@link #refresh} once the method has been called
 * or the near cache exists.
 */
final class ClusterMeters {

  private final ClusterMXBean bean;
  private final MeterRegistry registry;
  private final Tags tags;
  private final List<Meter> meters = new ArrayList<>();
  private final Set<String> methodsServed = new HashSet<>();
  private final Set<String> methodsCalled = new HashSet<>();
  private final Set<String> nearCaches = new HashSet<>();

  ClusterMeters(ClusterMXBean bean, MeterRegistry registry, Tags managerTags) {
    this.bean = bean;
    this.registry = registry;
    this.tags = managerTags.and("member", bean.getMemberId());
    gauge("kamacache.cluster.epoch", ClusterMXBean::getEpoch, tags,
        "The etcd revision of this member's view of the members");
    gauge("kamacache.cluster.members", b -> b.getMemberIds().size(), tags,
        "Members in this member's view");
    gauge("kamacache.cluster.etcd.connected", b -> b.isEtcdConnected() ? 1 : 0, tags,
        "1 while this member's etcd lease is proven alive, else 0");
    counter("kamacache.cluster.batched.gets", ClusterMXBean::getBatchedGets, tags,
        "Keys this member answered in batches of gets");
    counter("kamacache.cluster.moved.entries", ClusterMXBean::getMovedEntries, tags,
        "Entries this member handed to new owners when the members changed");
    counter("kamacache.cluster.not.owner.retries", ClusterMXBean::getNotOwnerRetries, tags,
        "Calls from here retried because the member asked was not the owner, or could not be reached");
    counter("kamacache.cluster.backups.written", ClusterMXBean::getBackupsWritten, tags,
        "Copies of entries this member owns that a backup member accepted");
    counter("kamacache.cluster.near.gets", ClusterMXBean::getNearCacheHits, tags.and("result", "hit"),
        "Reads answered from a near cache here");
    counter("kamacache.cluster.near.gets", ClusterMXBean::getNearCacheMisses, tags.and("result", "miss"),
        "Reads of a near cache here that went to the owner");
  }

  /** Adds the meters of peer methods and near caches seen since the last call. */
  void refresh() {
    for (String method : bean.getCallsServedByMethod().keySet()) {
      if (methodsServed.add(method)) {
        counter("kamacache.cluster.calls.served", b -> b.getCallsServedByMethod().getOrDefault(method, 0L),
            tags.and("method", method), "Peer calls this member served");
      }
    }
    for (String method : bean.getCallsMadeByMethod().keySet()) {
      if (methodsCalled.add(method)) {
        meters.add(FunctionTimer.builder("kamacache.cluster.calls", bean,
                b -> b.getCallsMadeByMethod().getOrDefault(method, 0L),
                b -> b.getCallNanosByMethod().getOrDefault(method, 0L), TimeUnit.NANOSECONDS)
            .tags(tags.and("method", method))
            .description("Peer calls this member made, answered or failed, and their time")
            .register(registry));
      }
    }
    for (String cache : bean.getNearCacheEntries().keySet()) {
      if (nearCaches.add(cache)) {
        gauge("kamacache.cluster.near.size", b -> b.getNearCacheEntries().getOrDefault(cache, 0L),
            tags.and("cache", cache), "Copies of other members' entries this member's near cache holds");
      }
    }
  }

  void remove() {
    meters.forEach(registry::remove);
    meters.clear();
  }

  private void gauge(String name, ToDoubleFunction<ClusterMXBean> value, Tags meterTags, String description) {
    meters.add(Gauge.builder(name, bean, value).tags(meterTags).description(description).register(registry));
  }

  private void counter(String name, ToDoubleFunction<ClusterMXBean> count, Tags meterTags, String description) {
    meters.add(FunctionCounter.builder(name, bean, count).tags(meterTags).description(description)
        .register(registry));
  }
}
