package io.kamacache.cluster;

import com.google.protobuf.Message;
import io.grpc.stub.StreamObserver;
import io.kamacache.group.Group;
import io.kamacache.management.CacheStatistics;
import io.kamacache.proto.v1.CacheRequest;
import io.kamacache.proto.v1.CacheSummary;
import io.kamacache.proto.v1.CachesResponse;
import io.kamacache.proto.v1.DrainResponse;
import io.kamacache.proto.v1.MemberStatus;
import io.kamacache.proto.v1.MembersResponse;
import io.kamacache.proto.v1.StatsResponse;
import io.kamacache.transport.RemoteErrors;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;

/**
 * The admin side of the peer protocol: what an operator asks one member (its status and view,
 * its caches, a cache's statistics) and the drain. None of it goes through ownership, so a member
 * that is draining or fenced still answers. Who may call what is the authentication's to decide
 * ({@link #METHODS} for the drain); these only read, apart from the drain.
 */
final class AdminCalls {

  /** The bare names of the admin methods only a member or an admin may call: they change the member. */
  static final Set<String> METHODS = Set.of("Drain");

  private final Peers peers;
  private final String address;
  private final CacheHost host;
  private final Lifecycle lifecycle;
  private final ClusterMetrics metrics;
  private final CallDispatch calls;
  private final RequestChecks checks;

  AdminCalls(Peers peers, String address, CacheHost host, Lifecycle lifecycle, ClusterMetrics metrics,
      CallDispatch calls, RequestChecks checks) {
    this.peers = peers;
    this.address = address;
    this.host = host;
    this.lifecycle = lifecycle;
    this.metrics = metrics;
    this.calls = calls;
    this.checks = checks;
  }

  void members(CacheRequest request, StreamObserver<MembersResponse> observer) {
    answer(request, false, observer, MembersResponse.newBuilder(), (ignored, response) -> {
      response.setSelf(MemberStatus.newBuilder().setId(peers.memberId()).setAddress(address == null ? "" : address)
          .setRole(peers.config().role.name().toLowerCase(Locale.ROOT)).setState(lifecycle.state().name())
          .setEpoch(peers.epoch()).setIncarnation(peers.incarnation()));
      for (HashRing.Member member : peers.ring().members().values()) {
        response.addView(MemberStatus.newBuilder().setId(member.id()).setAddress(member.address())
            .setRole("member").setIncarnation(member.incarnation()));
      }
    });
  }

  void caches(CacheRequest request, StreamObserver<CachesResponse> observer) {
    answer(request, false, observer, CachesResponse.newBuilder(), (ignored, response) -> {
      for (Map.Entry<String, CacheHost.Description> cache : host.describeCaches().entrySet()) {
        CacheHost.Description described = cache.getValue();
        CompleteConfiguration<?, ?> configuration = described.configuration();
        Group<Object, Object> group = host.group(cache.getKey());
        response.addCaches(CacheSummary.newBuilder().setName(cache.getKey())
            .setEntries(group == null ? 0 : group.size())
            .setCapacity(described.capacity())
            .setExpiry(expiry(configuration.getExpiryPolicyFactory()))
            .setBackups(described.backups())
            .setStatistics(configuration.isStatisticsEnabled())
            .setStoreByValue(configuration.isStoreByValue())
            .setNearCapacity(described.nearCapacity())
            .setReadThrough(configuration.isReadThrough())
            .setWriteThrough(configuration.isWriteThrough()));
      }
    });
  }

  void stats(CacheRequest request, StreamObserver<StatsResponse> observer) {
    answer(request, true, observer, StatsResponse.newBuilder(), (asked, response) -> {
      String name = asked.getHeader().getCache();
      Group<Object, Object> group = host.group(name);
      if (group == null) {
        response.setError(RemoteErrors.unknownCache(name));
        return;
      }
      CacheStatistics statistics = group.statistics();
      response.setEnabled(statistics.isEnabled()).setHits(statistics.getCacheHits())
          .setMisses(statistics.getCacheMisses()).setGets(statistics.getCacheGets())
          .setPuts(statistics.getCachePuts()).setRemovals(statistics.getCacheRemovals())
          .setEvictions(statistics.getCacheEvictions()).setAverageGetMicros(statistics.getAverageGetTime())
          .setAveragePutMicros(statistics.getAveragePutTime())
          .setAverageRemoveMicros(statistics.getAverageRemoveTime()).setEntries(group.size());
      response.putCluster("CallsServed", metrics.getCallsServed());
      response.putCluster("BatchedGets", metrics.getBatchedGets());
      response.putCluster("MovedEntries", metrics.getMovedEntries());
      response.putCluster("NotOwnerRetries", metrics.getNotOwnerRetries());
      response.putCluster("NearCacheHits", metrics.getNearCacheHits());
      response.putCluster("NearCacheMisses", metrics.getNearCacheMisses());
    });
  }

  void drain(CacheRequest request, StreamObserver<DrainResponse> observer) {
    answer(request, false, observer, DrainResponse.newBuilder(), (ignored, response) -> {
      boolean all = lifecycle.drain();
      response.setHandedOver(all).setState(lifecycle.state().name());
    });
  }

  /**
   * Checks the request's header, then answers on the callers' pool (a drain waits for the
   * hand-off, the others read every cache); what the answer throws goes back as its typed error.
   */
  @SuppressWarnings("unchecked")
  private <T extends Message, B extends Message.Builder> void answer(CacheRequest request, boolean needsCache,
      StreamObserver<T> observer, B response, BiConsumer<CacheRequest, B> answer) {
    if (!CallDispatch.valid(() -> checks.header(request.getHeader(), needsCache), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      try {
        answer.accept(request, response);
      } catch (Throwable t) {
        ResponseFields.error(response, RemoteErrors.toProto(t));
      }
      observer.onNext((T) response.build());
      observer.onCompleted();
    });
  }

  /** The expiry policy as an operator would write it: the JSR-107 policies by kind and duration, others by class. */
  static String expiry(Factory<? extends ExpiryPolicy> factory) {
    if (factory == null) {
      return "eternal";
    }
    // Only javax.cache's own factories are asked for their policy: creating a user's could have effects.
    if (!factory.getClass().getName().startsWith("javax.cache.")) {
      return factory.getClass().getName();
    }
    ExpiryPolicy policy = factory.create();
    if (policy instanceof EternalExpiryPolicy) {
      return "eternal";
    }
    String kind = policy instanceof CreatedExpiryPolicy ? "created"
        : policy instanceof AccessedExpiryPolicy ? "accessed"
        : policy instanceof ModifiedExpiryPolicy ? "modified"
        : policy instanceof TouchedExpiryPolicy ? "touched" : null;
    if (kind == null) {
      return policy.getClass().getName();
    }
    javax.cache.expiry.Duration duration = policy.getExpiryForCreation();
    return kind + " " + (duration.isEternal() ? "eternal" : format(Duration.ofMillis(
        duration.getTimeUnit().toMillis(duration.getDurationAmount()))));
  }

  /** A duration in the largest whole unit: {@code 10m}, {@code 90s}, {@code 250ms}. */
  private static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 86_400_000 == 0 && millis > 0) {
      return millis / 86_400_000 + "d";
    }
    if (millis % 3_600_000 == 0 && millis > 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }
}
