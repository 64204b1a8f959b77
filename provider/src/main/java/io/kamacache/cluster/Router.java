package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.kamacache.cluster.NotOwnerRetries.NotOwner;
import io.kamacache.codec.CodecException;
import io.kamacache.group.Group;
import io.kamacache.replication.Replication;
import io.kamacache.management.CacheStatistics;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.Error;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.Stats;
import io.kamacache.proto.v1.ValueResponse;
import io.kamacache.transport.PeerCalls;
import io.kamacache.transport.RemoteErrors;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.CacheException;
import javax.cache.processor.EntryProcessor;

/**
 * Routes one cache's calls to their owners: finds the owner of a key (or of each key of many, or
 * every member), runs the call on the local Group under a claim when this member owns it and over
 * gRPC otherwise, brings the owner's counts and errors back, and retries a refusal through
 * {@link NotOwnerRetries}. What each operation sends is in {@link ClusteredOperations} and
 * {@link BulkOperations}.
 */
final class Router<K, V> {

  private final Peers peers;
  private final CacheHost host;
  private final Ownership ownership;
  private final Rebalancer rebalancer;
  private final String cache;
  private final Group<K, V> local;
  private final CacheStatistics statistics;
  /** Null when the cache keeps no near copies here. */
  private final NearCache<K> near;
  private final NotOwnerRetries retries;

  Router(Peers peers, CacheHost host, Ownership ownership, Rebalancer rebalancer, String cache, Group<K, V> local,
      CacheStatistics statistics, NearCache<K> near, NotOwnerRetries retries) {
    this.peers = peers;
    this.host = host;
    this.ownership = ownership;
    this.rebalancer = rebalancer;
    this.cache = cache;
    this.local = local;
    this.statistics = statistics;
    this.near = near;
    this.retries = retries;
  }

  String cache() {
    return cache;
  }

  Group<K, V> local() {
    return local;
  }

  CacheStatistics statistics() {
    return statistics;
  }

  NearCache<K> near() {
    return near;
  }

  NotOwnerRetries retries() {
    return retries;
  }

  /**
   * Runs an operation on keys this member owns, under a claim on them (see {@link Ownership}); a
   * refusal becomes {@link NotOwner}, which the router retries as it does a remote one.
   */
  <T> T serveLocally(List<byte[]> keys, long deadline, Supplier<T> operation) {
    try {
      return ownership.serve(keys, deadline, operation);
    } catch (Ownership.Refused | Replication.Refused e) {
      throw new NotOwner(e.getMessage());
    } catch (Replication.KeysRefused e) {
      Set<ByteString> refused = new HashSet<>();
      e.keys().forEach(key -> refused.add(ByteString.copyFrom(keyBytes(key))));
      throw new NotOwner(e.getMessage(), refused);
    }
  }

  /** A call to one remote owner. */
  interface Remote<T> {
    T call(PeerCalls stub, Header header);
  }

  byte[] keyBytes(Object key) {
    return peers.codec().encode(key);
  }

  ByteString bytes(Object value) {
    return ByteString.copyFrom(peers.codec().encode(value));
  }

  @SuppressWarnings("unchecked")
  <T> T decode(ByteString bytes) {
    return (T) peers.codec().decode(bytes.toByteArray(), host.classLoader());
  }

  /** Runs a one-key operation where its owner is, retrying refusals. */
  <T> T route(K key, Function<Group<K, V>, T> onLocal, Remote<T> onRemote) {
    return routeToOwner(key, onLocal, (owner, deadline) -> call(owner, onRemote, deadline));
  }

  /** An exchange with a key's remote owner, which may make several calls; {@code deadline} bounds the first. */
  interface OwnerExchange<T> {
    T with(HashRing.Member owner, long deadline);
  }

  /** As {@link #route}, for an operation that talks to a remote owner in more than one call. */
  <T> T routeToOwner(K key, Function<Group<K, V>, T> onLocal, OwnerExchange<T> onRemote) {
    byte[] keyBytes = keyBytes(key);
    long deadline = retries.deadline();
    for (int attempt = 0; ; attempt++) {
      HashRing ring = peers.ring();
      HashRing.Member owner = ownerOf(ring, keyBytes);
      try {
        if (isLocal(owner)) {
          return serveLocally(List.of(keyBytes), deadline, () -> {
            rebalancer.prepare(shared(), key);
            return onLocal.apply(local);
          });
        }
        return onRemote.with(owner, deadline);
      } catch (NotOwner e) {
        retries.afterRefusal(attempt, deadline, e);
      }
    }
  }

  /** The request timeout, {@code kamacache.request.timeout-ms}, in nanoseconds. */
  long timeoutNanos() {
    return peers.config().timeout.toNanos();
  }

  /** The longest lease of a key lock, {@code kamacache.lock.lease-ms}, in nanoseconds. */
  long lockLeaseNanos() {
    return peers.config().lockLease.toNanos();
  }

  /**
   * Routes a change of one key. Its near copy is dropped before the change leaves, so no read
   * started earlier installs, and again once it is acknowledged, so none that answered in between
   * survives: the caller reads its own write or something newer.
   */
  <T> T change(K key, Function<Group<K, V>, T> onLocal, Remote<T> onRemote) {
    if (near == null) {
      return route(key, onLocal, onRemote);
    }
    near.invalidate(key);
    try {
      return route(key, onLocal, onRemote);
    } finally {
      near.invalidate(key);
    }
  }

  /** As {@link #change}, for an operation that talks to a remote owner in more than one call. */
  <T> T changeAt(K key, Function<Group<K, V>, T> onLocal, OwnerExchange<T> onRemote) {
    if (near == null) {
      return routeToOwner(key, onLocal, onRemote);
    }
    near.invalidate(key);
    try {
      return routeToOwner(key, onLocal, onRemote);
    } finally {
      near.invalidate(key);
    }
  }

  /** Runs a change of many keys between invalidations of their near copies, as {@link #change} does. */
  void changeAll(Collection<? extends K> keys, Runnable operation) {
    if (near == null) {
      operation.run();
      return;
    }
    keys.forEach(near::invalidate);
    try {
      operation.run();
    } finally {
      keys.forEach(near::invalidate);
    }
  }

  HashRing.Member ownerOf(HashRing ring, byte[] keyBytes) {
    HashRing.Member owner = ring.owner(keyBytes);
    if (owner == null) {
      throw new CacheException("cache '" + cache + "': the cluster has no members to own keys");
    }
    return owner;
  }

  /** A call to one remote owner under the request deadline. */
  <T> T call(HashRing.Member owner, Remote<T> onRemote) {
    return call(owner, onRemote, peers.stub(owner));
  }

  /** A call that must answer by {@code deadline}, which also bounds the retries before it. */
  <T> T call(HashRing.Member owner, Remote<T> onRemote, long deadline) {
    return call(owner, onRemote, peers.stub(owner, Math.max(1, deadline - System.nanoTime())));
  }

  private <T> T call(HashRing.Member owner, Remote<T> onRemote, PeerCalls stub) {
    Header header = Header.newBuilder().setCache(cache).setEpoch(peers.epoch()).setSender(peers.memberId()).build();
    try {
      return onRemote.call(stub, header);
    } catch (StatusRuntimeException e) {
      throw failure(owner, e);
    }
  }

  /**
   * Sends a call to one remote owner under the request deadline and returns what waits for its
   * answer; both fail as {@link #call} does.
   */
  <T> Supplier<T> start(HashRing.Member owner, Remote<PeerCalls.Sent<T>> onRemote) {
    PeerCalls.Sent<T> sent = call(owner, onRemote);
    return () -> {
      try {
        return sent.await();
      } catch (StatusRuntimeException e) {
        throw failure(owner, e);
      }
    };
  }

  /** A call that failed: NOT_OWNER if it never reached the owner, so that it is safe to send again. */
  private RuntimeException failure(HashRing.Member owner, StatusRuntimeException e) {
    if (CallFailures.neverSent(e.getStatus())) {
      return new NotOwner("member " + owner + " could not be called: " + e.getStatus());
    }
    return CallFailures.of(cache, owner, peers.config(), e.getStatus(), e);
  }

  /**
   * As {@link #complete} for a bulk write's answer, which may refuse only some of its keys: the
   * {@link NotOwner} it throws then names them, and the rest count as done.
   */
  void completeBulk(DoneResponse response) {
    if (response.hasError() && response.getError().getCode() == Error.Code.NOT_OWNER
        && response.getRefusedKeysCount() > 0) {
      complete(response.getStats(), null, false);
      throw new NotOwner(response.getError().getMessage(), Set.copyOf(response.getRefusedKeysList()));
    }
    complete(response.getStats(), response.getError(), response.hasError());
  }

  /** Records the owner's counts here, then throws the owner's error if there is one. */
  void complete(Stats stats, Error error, boolean hasError) {
    if (stats != null) {
      statistics.recordRemote(stats.getHits(), stats.getMisses(), stats.getPuts(), stats.getRemovals());
    }
    if (hasError) {
      if (error.getCode() == Error.Code.NOT_OWNER) {
        throw new NotOwner(error.getMessage());
      }
      throw RemoteErrors.toException(error);
    }
  }

  V value(ValueResponse response) {
    complete(response.getStats(), response.getError(), response.hasError());
    return response.hasValue() ? decode(response.getValue()) : null;
  }

  boolean flag(ValueResponse response) {
    complete(response.getStats(), response.getError(), response.hasError());
    return response.getFlag();
  }

  /** Groups keys by owner, running the local share in place; retries a share on NOT_OWNER. */
  <T extends K> void partition(Collection<T> keys, BiConsumer<HashRing.Member, List<T>> each) {
    partitionAtOnce(keys, (owner, share) -> {
      each.accept(owner, share);
      return DONE;
    });
  }

  /** What a share that needs no waiting, such as the local one, answers {@link #partitionAtOnce} with. */
  static final Runnable DONE = () -> { };

  /**
   * As {@link #partition}, for shares whose calls can go out together: {@code start} sends a
   * share's call and returns what waits for its answer, and every remote share is sent before any
   * answer is waited for, the local share running meanwhile. A bulk write then costs about the
   * slowest owner's round trip rather than the sum of all of them, and the owners work at once.
   */
  <T extends K> void partitionAtOnce(Collection<T> keys, BiFunction<HashRing.Member, List<T>, Runnable> start) {
    List<T> pending = new ArrayList<>(keys);
    long deadline = retries.deadline();
    NotOwner last = null;
    for (int attempt = 0; !pending.isEmpty(); attempt++) {
      HashRing ring = peers.ring();
      Map<HashRing.Member, List<T>> byOwner = new LinkedHashMap<>();
      for (T key : pending) {
        HashRing.Member owner = ownerOf(ring, keyBytes(key));
        byOwner.computeIfAbsent(owner, o -> new ArrayList<>()).add(key);
      }
      // The local share last, so that the remote owners are already at work while it runs here.
      List<Map.Entry<HashRing.Member, List<T>>> shares = new ArrayList<>(byOwner.entrySet());
      shares.sort(Comparator.comparing(share -> isLocal(share.getKey())));
      List<T> refused = new ArrayList<>();
      RuntimeException failure = null;
      List<Runnable> answers = new ArrayList<>(shares.size());
      for (Map.Entry<HashRing.Member, List<T>> share : shares) {
        Runnable answer = DONE;
        try {
          answer = start.apply(share.getKey(), share.getValue());
        } catch (NotOwner e) {
          refused.addAll(refusedOf(share.getValue(), e));
          last = e;
        } catch (RuntimeException e) {
          if (failure == null) {
            failure = e;
          }
        }
        answers.add(answer);
      }
      for (int i = 0; i < shares.size(); i++) {
        try {
          answers.get(i).run();
        } catch (NotOwner e) {
          refused.addAll(refusedOf(shares.get(i).getValue(), e));
          last = e;
        } catch (RuntimeException e) {
          if (failure == null) {
            failure = e;
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
      if (!refused.isEmpty()) {
        retries.afterRefusal(attempt, deadline, last);
      }
      pending = refused;
    }
  }

  /** The keys of {@code share} that {@code refusal} refused: all of them, unless it names some. */
  private <T> List<T> refusedOf(List<T> share, NotOwner refusal) {
    if (refusal.onlyKeys == null) {
      return share;
    }
    List<T> refused = new ArrayList<>();
    for (T key : share) {
      if (refusal.onlyKeys.contains(ByteString.copyFrom(keyBytes(key)))) {
        refused.add(key);
      }
    }
    return refused;
  }

  boolean isLocal(HashRing.Member owner) {
    return peers.ownsKeys() && owner.id().equals(peers.memberId());
  }

  @SuppressWarnings("unchecked")
  Group<Object, Object> shared() {
    return (Group<Object, Object>) (Group<?, ?>) local;
  }

  /**
   * Runs the local share of a bulk operation under a claim on its keys, each readied as
   * {@link #route} readies one key.
   */
  <T extends K, R> R locally(List<T> share, Function<Set<T>, R> operation) {
    List<byte[]> keyBytes = new ArrayList<>(share.size());
    for (T key : share) {
      keyBytes.add(keyBytes(key));
    }
    return serveLocally(keyBytes, retries.deadline(), () -> {
      for (T key : share) {
        rebalancer.prepare(shared(), key);
      }
      return operation.apply(new LinkedHashSet<>(share));
    });
  }

  List<ByteString> keyList(Collection<?> keys) {
    List<ByteString> list = new ArrayList<>();
    for (Object key : keys) {
      list.add(bytes(key));
    }
    return list;
  }

  /**
   * The processor and its arguments as codec bytes, to run on the owner; null if they cannot go
   * there (not Serializable, or something they hold is not), and then they run here under a key
   * lock instead (see {@link RemoteProcessing}).
   */
  Travelling travelling(EntryProcessor<?, ?, ?> processor, Object... arguments) {
    if (!(processor instanceof Serializable)) {
      return null;
    }
    try {
      return new Travelling(bytes(processor), keyList(List.of(arguments)));
    } catch (CodecException e) {
      return null;
    }
  }

  /** A processor and its arguments that can be sent to an owner. */
  record Travelling(ByteString processor, List<ByteString> arguments) {}

  /**
   * Runs {@code each} once on every member of the ring. A member that answers NOT_OWNER is joining
   * or leaving: the view is read again and the members not yet done are tried again, a bounded
   * number of times; one that has left the ring meanwhile is done.
   */
  void onEveryMember(BiConsumer<HashRing.Member, HashRing> each) {
    Set<String> done = new HashSet<>();
    long deadline = retries.deadline();
    for (int attempt = 0; ; attempt++) {
      HashRing ring = peers.ring();
      NotOwner refused = null;
      for (HashRing.Member member : ring.members().values()) {
        if (done.contains(member.id())) {
          continue;
        }
        try {
          each.accept(member, ring);
          done.add(member.id());
        } catch (NotOwner e) {
          refused = e;
        }
      }
      if (refused == null) {
        return;
      }
      retries.afterRefusal(attempt, deadline, refused);
    }
  }

  /** Throws the owner's error, unless it only says the member has no such cache (so holds nothing). */
  void completeWhole(Stats stats, Error error, boolean hasError) {
    boolean absent = hasError && error.getCode() == Error.Code.UNKNOWN_CACHE;
    complete(stats, error, hasError && !absent);
  }
}
