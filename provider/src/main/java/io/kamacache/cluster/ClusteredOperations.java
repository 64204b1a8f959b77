package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.kamacache.group.CacheOperations;
import io.kamacache.group.Group;
import io.kamacache.replication.Replication;
import io.kamacache.management.CacheStatistics;
import io.kamacache.transport.PeerCalls;
import io.kamacache.proto.v1.CacheRequest;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.EntriesResponse;
import io.kamacache.proto.v1.Entry;
import io.kamacache.proto.v1.Error;
import io.kamacache.proto.v1.FlagResponse;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.InvokeAllRequest;
import io.kamacache.proto.v1.InvokeAllResponse;
import io.kamacache.proto.v1.InvokeRequest;
import io.kamacache.proto.v1.KeyRequest;
import io.kamacache.proto.v1.KeysRequest;
import io.kamacache.proto.v1.KeysResponse;
import io.kamacache.proto.v1.LoadAllRequest;
import io.kamacache.proto.v1.PutAllRequest;
import io.kamacache.proto.v1.PutRequest;
import io.kamacache.proto.v1.RemoveRequest;
import io.kamacache.proto.v1.ReplaceRequest;
import io.kamacache.proto.v1.Stats;
import io.kamacache.proto.v1.ValueResponse;
import io.kamacache.proto.v1.ValuesResponse;
import io.kamacache.transport.RemoteErrors;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.CacheException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;

/**
 * The router: sends each key's operation to the key's owner. A key this member owns runs on the
 * local Group with no serialization; any other goes over gRPC to the owner's Group. Bulk
 * operations make one call per owner. If an owner answers NOT_OWNER, the ring has moved: the
 * router reads the members again and retries, a bounded number of times.
 */
final class ClusteredOperations<K, V> implements CacheOperations<K, V> {

  private final ClusterNode node;
  private final String cache;
  private final Group<K, V> local;
  private final CacheStatistics statistics;
  /** Null when the cache keeps no near copies here. */
  private final NearCache<K> near;
  /** Coalesced gets, by owner address. */
  private final java.util.concurrent.ConcurrentHashMap<String, GetBatcher> batchers =
      new java.util.concurrent.ConcurrentHashMap<>();

  ClusteredOperations(ClusterNode node, String cache, Group<K, V> local, CacheStatistics statistics, NearCache<K> near) {
    this.node = node;
    this.cache = cache;
    this.local = local;
    this.statistics = statistics;
    this.near = near;
  }

  /** Thrown inside the router when an owner refuses a key; never reaches the caller. */
  private static final class NotOwner extends RuntimeException {
    NotOwner(String why) {
      super(why, null, false, false);
    }
  }

  /** When a call routed now must have its answer: the request timeout covers every retry. */
  private long deadline() {
    return System.nanoTime() + node.config().timeout.toNanos();
  }

  /**
   * Runs an operation on keys this member owns, under a claim on them (see {@link Ownership}); a
   * refusal becomes {@link NotOwner}, which the router retries as it does a remote one.
   */
  private <T> T serveLocally(List<byte[]> keys, long deadline, Supplier<T> operation) {
    try {
      return node.ownership().serve(keys, deadline, operation);
    } catch (Ownership.Refused | Replication.Refused e) {
      throw new NotOwner(e.getMessage());
    }
  }

  /** A call to one remote owner. */
  private interface Remote<T> {
    T call(PeerCalls stub, Header header);
  }

  // ---- routing

  private byte[] keyBytes(Object key) {
    return node.codec().encode(key);
  }

  private ByteString bytes(Object value) {
    return ByteString.copyFrom(node.codec().encode(value));
  }

  @SuppressWarnings("unchecked")
  private <T> T decode(ByteString bytes) {
    return (T) node.codec().decode(bytes.toByteArray(), node.classLoader());
  }

  private <T> T route(K key, Function<Group<K, V>, T> onLocal, Remote<T> onRemote) {
    byte[] keyBytes = keyBytes(key);
    long deadline = deadline();
    for (int attempt = 0; ; attempt++) {
      HashRing ring = node.ring();
      HashRing.Member owner = ownerOf(ring, keyBytes);
      try {
        if (isLocal(owner)) {
          return serveLocally(List.of(keyBytes), deadline, () -> {
            node.rebalancer().prepare(shared(), key);
            return onLocal.apply(local);
          });
        }
        return call(owner, onRemote, deadline);
      } catch (NotOwner e) {
        retryAfterNotOwner(attempt, deadline, e);
      }
    }
  }

  /**
   * Routes a change of one key. Its near copy is dropped before the change leaves, so no read
   * started earlier installs, and again once it is acknowledged, so none that answered in between
   * survives: the caller reads its own write or something newer.
   */
  private <T> T change(K key, Function<Group<K, V>, T> onLocal, Remote<T> onRemote) {
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

  /** Runs a change of many keys between invalidations of their near copies, as {@link #change} does. */
  private void changeAll(Collection<? extends K> keys, Runnable operation) {
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

  private HashRing.Member ownerOf(HashRing ring, byte[] keyBytes) {
    HashRing.Member owner = ring.owner(keyBytes);
    if (owner == null) {
      throw new CacheException("cache '" + cache + "': the cluster has no members to own keys");
    }
    return owner;
  }

  /**
   * After a refusal: reads the members again and, after a pause that grows from 10 to 250 ms,
   * lets the caller try again, until the request timeout or the retry limit is reached. A
   * refusal changed nothing, so trying again is always safe.
   */
  private void retryAfterNotOwner(int attempt, long deadline, NotOwner refusal) {
    long left = deadline - System.nanoTime();
    if (attempt >= node.config().retries || left <= 0) {
      throw new CacheException("cache '" + cache + "': no member could serve the key within "
          + ClusterConfig.TIMEOUT + " (" + node.config().timeout.toMillis() + " ms) after " + (attempt + 1)
          + " attempts; the last refusal: " + refusal.getMessage() + ". Is the cluster's membership settling,"
          + " or is the key's owner cut off from etcd?");
    }
    node.refreshRing();
    if (attempt > 0) {
      try {
        Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, Math.min(250, 10L << Math.min(attempt, 5))));
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new CacheException("interrupted while routing", interrupted);
      }
    }
  }

  private <T> T call(HashRing.Member owner, HashRing ring, Remote<T> onRemote) {
    return call(owner, onRemote, node.stub(owner));
  }

  /** A call that must answer by {@code deadline}, which also bounds the retries before it. */
  private <T> T call(HashRing.Member owner, Remote<T> onRemote, long deadline) {
    return call(owner, onRemote, node.stub(owner, Math.max(1, deadline - System.nanoTime())));
  }

  private <T> T call(HashRing.Member owner, Remote<T> onRemote, PeerCalls stub) {
    Header header = Header.newBuilder().setCache(cache).setEpoch(node.epoch()).setSender(node.memberId()).build();
    try {
      return onRemote.call(stub, header);
    } catch (StatusRuntimeException e) {
      if (CallFailures.neverSent(e.getStatus())) {
        throw new NotOwner("member " + owner + " could not be called: " + e.getStatus());
      }
      throw CallFailures.of(cache, owner, node.config(), e.getStatus(), e);
    }
  }

  /** Records the owner's counts here, then throws the owner's error if there is one. */
  private void complete(Stats stats, Error error, boolean hasError) {
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

  private V value(ValueResponse response) {
    complete(response.getStats(), response.getError(), response.hasError());
    return response.hasValue() ? decode(response.getValue()) : null;
  }

  private boolean flag(ValueResponse response) {
    complete(response.getStats(), response.getError(), response.hasError());
    return response.getFlag();
  }

  /** Groups keys by owner, running the local share in place; retries a share on NOT_OWNER. */
  private <T extends K> void partition(Collection<T> keys, java.util.function.BiConsumer<HashRing.Member, List<T>> each) {
    List<T> pending = new ArrayList<>(keys);
    long deadline = deadline();
    NotOwner last = null;
    for (int attempt = 0; !pending.isEmpty(); attempt++) {
      HashRing ring = node.ring();
      Map<HashRing.Member, List<T>> byOwner = new LinkedHashMap<>();
      for (T key : pending) {
        HashRing.Member owner = ownerOf(ring, keyBytes(key));
        byOwner.computeIfAbsent(owner, o -> new ArrayList<>()).add(key);
      }
      List<T> refused = new ArrayList<>();
      RuntimeException failure = null;
      for (Map.Entry<HashRing.Member, List<T>> share : byOwner.entrySet()) {
        try {
          each.accept(share.getKey(), share.getValue());
        } catch (NotOwner e) {
          refused.addAll(share.getValue());
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
        retryAfterNotOwner(attempt, deadline, last);
      }
      pending = refused;
    }
  }

  private boolean isLocal(HashRing.Member owner) {
    return node.ownsKeys() && owner.id().equals(node.memberId());
  }

  @SuppressWarnings("unchecked")
  private Group<Object, Object> shared() {
    return (Group<Object, Object>) (Group<?, ?>) local;
  }

  /**
   * Runs the local share of a bulk operation under a claim on its keys, each readied as
   * {@link #route} readies one key.
   */
  private <T extends K, R> R locally(List<T> share, Function<Set<T>, R> operation) {
    List<byte[]> keyBytes = new ArrayList<>(share.size());
    for (T key : share) {
      keyBytes.add(keyBytes(key));
    }
    return serveLocally(keyBytes, deadline(), () -> {
      for (T key : share) {
        node.rebalancer().prepare(shared(), key);
      }
      return operation.apply(new LinkedHashSet<>(share));
    });
  }

  private List<ByteString> keyList(Collection<?> keys) {
    List<ByteString> list = new ArrayList<>();
    for (Object key : keys) {
      list.add(bytes(key));
    }
    return list;
  }

  // ---- single-key operations

  @Override public V get(K key) {
    if (near == null) {
      return local.readsWithoutBlocking() ? batchedGet(key) : route(key, group -> group.get(key), (stub, header) ->
          value(stub.get(KeyRequest.newBuilder().setHeader(header).setKey(bytes(key)).build())));
    }
    byte[] copy = near.get(key);
    if (copy != null) {
      statistics.recordHits(1);
      return cast(node.codec().decode(copy, node.classLoader()));
    }
    long stamp = near.stamp(key);
    return route(key, group -> group.get(key), (stub, header) -> {
      ValueResponse response = stub.get(KeyRequest.newBuilder().setHeader(header).setKey(bytes(key)).setNear(true).build());
      V value = value(response);
      if (response.hasValue()) {
        near.install(key, response.getValue().toByteArray(), response.getTtlNanos(), stamp);
      }
      return value;
    });
  }

  /**
   * A get that shares its round trip with other callers' gets to the same owner when one is
   * already in flight (see {@link GetBatcher}). Only for caches whose reads never block on the
   * owner, so one slow key cannot hold up the others in its batch.
   */
  private V batchedGet(K key) {
    byte[] keyBytes = keyBytes(key);
    // The codec's array is ours alone and never changes, so it needs no copy.
    ByteString encoded = com.google.protobuf.UnsafeByteOperations.unsafeWrap(keyBytes);
    long deadline = deadline();
    for (int attempt = 0; ; attempt++) {
      HashRing ring = node.ring();
      HashRing.Member owner = ownerOf(ring, keyBytes);
      try {
        if (isLocal(owner)) {
          return serveLocally(List.of(keyBytes), deadline, () -> {
            node.rebalancer().prepare(shared(), key);
            return local.get(key);
          });
        }
        ValuesResponse.Result batched = batchers.computeIfAbsent(owner.address(), a -> new GetBatcher(node, owner, cache))
            .get(encoded);
        // A get that failed, or was refused with the rest of its batch, counts nothing here.
        if (batched.hasError()) {
          complete(null, batched.getError(), true);
        }
        statistics.recordRemote(batched.getHit() ? 1 : 0, batched.getHit() ? 0 : 1, 0, 0);
        return batched.hasValue() ? decode(batched.getValue()) : null;
      } catch (NotOwner e) {
        retryAfterNotOwner(attempt, deadline, e);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private V cast(Object value) {
    return (V) value;
  }

  @Override public V peek(K key) {
    return route(key, group -> group.peek(key), (stub, header) ->
        value(stub.get(KeyRequest.newBuilder().setHeader(header).setKey(bytes(key)).setPeek(true).build())));
  }

  @Override public boolean containsKey(K key) {
    return route(key, group -> group.containsKey(key), (stub, header) -> {
      FlagResponse response = stub.containsKey(KeyRequest.newBuilder().setHeader(header).setKey(bytes(key)).build());
      complete(response.getStats(), response.getError(), response.hasError());
      return response.getFlag();
    });
  }

  private ValueResponse put(PeerCalls stub, Header header, PutRequest.Mode mode, K key, V value) {
    return stub.put(PutRequest.newBuilder().setHeader(header).setMode(mode).setKey(bytes(key)).setValue(bytes(value)).build());
  }

  @Override public void put(K key, V value) {
    change(key, group -> {
      group.put(key, value);
      return null;
    }, (stub, header) -> value(put(stub, header, PutRequest.Mode.PUT, key, value)));
  }

  @Override public V getAndPut(K key, V value) {
    return change(key, group -> group.getAndPut(key, value),
        (stub, header) -> value(put(stub, header, PutRequest.Mode.GET_AND_PUT, key, value)));
  }

  @Override public boolean putIfAbsent(K key, V value) {
    return change(key, group -> group.putIfAbsent(key, value),
        (stub, header) -> flag(put(stub, header, PutRequest.Mode.PUT_IF_ABSENT, key, value)));
  }

  private RemoveRequest.Builder remove(Header header, RemoveRequest.Mode mode, K key) {
    return RemoveRequest.newBuilder().setHeader(header).setMode(mode).setKey(bytes(key));
  }

  @Override public boolean remove(K key) {
    return change(key, group -> group.remove(key),
        (stub, header) -> flag(stub.remove(remove(header, RemoveRequest.Mode.REMOVE, key).build())));
  }

  @Override public boolean remove(K key, V oldValue) {
    return change(key, group -> group.remove(key, oldValue), (stub, header) -> flag(stub.remove(
        remove(header, RemoveRequest.Mode.REMOVE_IF_EQUALS, key).setExpected(bytes(oldValue)).build())));
  }

  @Override public V getAndRemove(K key) {
    return change(key, group -> group.getAndRemove(key),
        (stub, header) -> value(stub.remove(remove(header, RemoveRequest.Mode.GET_AND_REMOVE, key).build())));
  }

  private ReplaceRequest.Builder replace(Header header, ReplaceRequest.Mode mode, K key, V value) {
    return ReplaceRequest.newBuilder().setHeader(header).setMode(mode).setKey(bytes(key)).setValue(bytes(value));
  }

  @Override public boolean replace(K key, V value) {
    return change(key, group -> group.replace(key, value),
        (stub, header) -> flag(stub.replace(replace(header, ReplaceRequest.Mode.REPLACE, key, value).build())));
  }

  @Override public V getAndReplace(K key, V value) {
    return change(key, group -> group.getAndReplace(key, value),
        (stub, header) -> value(stub.replace(replace(header, ReplaceRequest.Mode.GET_AND_REPLACE, key, value).build())));
  }

  @Override public boolean replace(K key, V oldValue, V newValue) {
    return change(key, group -> group.replace(key, oldValue, newValue), (stub, header) -> flag(stub.replace(
        replace(header, ReplaceRequest.Mode.REPLACE_IF_EQUALS, key, newValue).setExpected(bytes(oldValue)).build())));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    ByteString encoded = processorBytes(processor);
    List<ByteString> args = keyList(List.of(arguments));
    return change(key, group -> group.invoke(key, processor, arguments), (stub, header) -> (T) value(stub.invoke(
        InvokeRequest.newBuilder().setHeader(header).setKey(bytes(key)).setProcessor(encoded).addAllArguments(args).build())));
  }

  private ByteString processorBytes(EntryProcessor<?, ?, ?> processor) {
    if (!(processor instanceof Serializable)) {
      throw new IllegalArgumentException("cache '" + cache + "' is clustered, so entry processors run on the key's"
          + " owner and must be Serializable; " + processor.getClass().getName() + " is not");
    }
    return bytes(processor);
  }

  // ---- bulk operations: one call per owner

  @Override public Map<K, V> getAll(Set<? extends K> keys) {
    Map<K, V> result = new LinkedHashMap<>();
    partition(keys, (owner, share) -> {
      if (isLocal(owner)) {
        result.putAll(locally(share, local::getAll));
        return;
      }
      EntriesResponse response = call(owner, node.ring(), (stub, header) ->
          stub.getAll(KeysRequest.newBuilder().setHeader(header).addAllKeys(keyList(share)).build()));
      complete(response.getStats(), response.getError(), response.hasError());
      for (Entry entry : response.getEntriesList()) {
        result.put(decode(entry.getKey()), decode(entry.getValue()));
      }
    });
    return result;
  }

  @Override public void loadAll(Set<? extends K> keys, boolean replaceExisting) {
    changeAll(keys, () -> partition(keys, (owner, share) -> {
      if (isLocal(owner)) {
        locally(share, keys1 -> {
          local.loadAll(keys1, replaceExisting);
          return null;
        });
        return;
      }
      DoneResponse response = call(owner, node.ring(), (stub, header) -> stub.loadAll(LoadAllRequest.newBuilder()
          .setHeader(header).addAllKeys(keyList(share)).setReplaceExisting(replaceExisting).build()));
      complete(response.getStats(), response.getError(), response.hasError());
    }));
  }

  @Override public void putAll(Map<? extends K, ? extends V> entries) {
    changeAll(entries.keySet(), () -> partition(entries.keySet(), (owner, share) -> {
      Map<K, V> part = new LinkedHashMap<>();
      for (K key : share) {
        part.put(key, entries.get(key));
      }
      if (isLocal(owner)) {
        locally(share, keys1 -> {
          local.putAll(part);
          return null;
        });
        return;
      }
      PutAllRequest.Builder request = PutAllRequest.newBuilder();
      for (Map.Entry<K, V> entry : part.entrySet()) {
        request.addEntries(Entry.newBuilder().setKey(bytes(entry.getKey())).setValue(bytes(entry.getValue())));
      }
      DoneResponse response = call(owner, node.ring(), (stub, header) -> stub.putAll(request.setHeader(header).build()));
      complete(response.getStats(), response.getError(), response.hasError());
    }));
  }

  @Override public void removeAll(Set<? extends K> keys) {
    changeAll(keys, () -> partition(keys, (owner, share) -> {
      if (isLocal(owner)) {
        locally(share, keys1 -> {
          local.removeAll(keys1);
          return null;
        });
        return;
      }
      DoneResponse response = call(owner, node.ring(), (stub, header) ->
          stub.removeAll(KeysRequest.newBuilder().setHeader(header).addAllKeys(keyList(share)).build()));
      complete(response.getStats(), response.getError(), response.hasError());
    }));
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
      Object... arguments) {
    ByteString encoded = processorBytes(processor);
    List<ByteString> args = keyList(List.of(arguments));
    Map<K, EntryProcessorResult<T>> results = new LinkedHashMap<>();
    changeAll(keys, () -> partition(keys, (owner, share) -> {
      if (isLocal(owner)) {
        results.putAll(locally(share, keys1 -> local.invokeAll(keys1, processor, arguments)));
        return;
      }
      InvokeAllResponse response = call(owner, node.ring(), (stub, header) -> stub.invokeAll(InvokeAllRequest.newBuilder()
          .setHeader(header).addAllKeys(keyList(share)).setProcessor(encoded).addAllArguments(args).build()));
      complete(response.getStats(), response.getError(), response.hasError());
      for (InvokeAllResponse.Result result : response.getResultsList()) {
        K key = decode(result.getKey());
        if (result.hasError()) {
          RuntimeException error = RemoteErrors.toException(result.getError());
          results.put(key, () -> {
            throw error instanceof javax.cache.processor.EntryProcessorException
                ? (javax.cache.processor.EntryProcessorException) error
                : new javax.cache.processor.EntryProcessorException(error);
          });
        } else if (result.hasValue()) {
          T value = decode(result.getValue());
          results.put(key, () -> value);
        }
      }
    }));
    return results;
  }

  // ---- whole-cache operations: every member acts on what it holds

  /**
   * Runs {@code each} once on every member of the ring. A member that answers NOT_OWNER is joining
   * or leaving: the view is read again and the members not yet done are tried again, a bounded
   * number of times; one that has left the ring meanwhile is done.
   */
  private void onEveryMember(java.util.function.BiConsumer<HashRing.Member, HashRing> each) {
    Set<String> done = new java.util.HashSet<>();
    long deadline = deadline();
    for (int attempt = 0; ; attempt++) {
      HashRing ring = node.ring();
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
      retryAfterNotOwner(attempt, deadline, refused);
    }
  }

  /** Throws the owner's error, unless it only says the member has no such cache (so holds nothing). */
  private void completeWhole(Stats stats, Error error, boolean hasError) {
    boolean absent = hasError && error.getCode() == Error.Code.UNKNOWN_CACHE;
    complete(stats, error, hasError && !absent);
  }

  private void everyMember(Function<Group<K, V>, Void> onLocal,
      java.util.function.BiFunction<PeerCalls, CacheRequest, DoneResponse> onRemote) {
    if (near != null) {
      near.invalidateAll();
    }
    try {
      onEveryMember((member, ring) -> {
        if (isLocal(member)) {
          serveLocally(List.of(), deadline(), () -> onLocal.apply(local));
        } else {
          DoneResponse response = call(member, ring, (stub, header) ->
              onRemote.apply(stub, CacheRequest.newBuilder().setHeader(header).build()));
          completeWhole(response.getStats(), response.getError(), response.hasError());
        }
      });
    } finally {
      if (near != null) {
        near.invalidateAll();
      }
    }
  }

  @Override public void removeAll() {
    everyMember(group -> {
      group.removeAll();
      return null;
    }, PeerCalls::removeEverything);
  }

  @Override public void clear() {
    everyMember(group -> {
      group.clear();
      return null;
    }, PeerCalls::clear);
  }

  @Override public Collection<K> keys() {
    Set<K> keys = new LinkedHashSet<>();
    onEveryMember((member, ring) -> {
      if (isLocal(member)) {
        keys.addAll(serveLocally(List.of(), deadline(), local::keys));
        return;
      }
      KeysResponse response = call(member, ring, (stub, header) ->
          stub.keys(CacheRequest.newBuilder().setHeader(header).build()));
      completeWhole(null, response.getError(), response.hasError());
      for (ByteString key : response.getKeysList()) {
        keys.add(decode(key));
      }
    });
    return keys;
  }
}
