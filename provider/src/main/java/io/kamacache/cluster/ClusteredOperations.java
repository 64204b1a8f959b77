package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.kamacache.cluster.NotOwnerRetries.NotOwner;
import io.kamacache.group.CacheOperations;
import io.kamacache.group.Group;
import io.kamacache.management.CacheStatistics;
import io.kamacache.processor.EntryLockLostException;
import io.kamacache.proto.v1.FlagResponse;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.InvokeRequest;
import io.kamacache.proto.v1.KeyRequest;
import io.kamacache.proto.v1.PutRequest;
import io.kamacache.proto.v1.RemoveRequest;
import io.kamacache.proto.v1.ReplaceRequest;
import io.kamacache.proto.v1.ValueResponse;
import io.kamacache.proto.v1.ValuesResponse;
import io.kamacache.transport.PeerCalls;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * The router of one cache: sends each key's operation to the key's owner. A key this member owns
 * runs on the local Group with no serialization; any other goes over gRPC to the owner's Group
 * (see {@link Router}). Operations on many keys, or on the whole cache, are
 * {@link BulkOperations}. If an owner answers NOT_OWNER, the ring has moved: the router reads the
 * members again and retries, a bounded number of times ({@link NotOwnerRetries}).
 */
final class ClusteredOperations<K, V> implements CacheOperations<K, V> {

  private final Peers peers;
  private final CacheHost host;
  private final Rebalancer rebalancer;
  /** Watches the deadlines of batches on get streams. */
  private final ScheduledExecutorService deadlines;
  /** The node's batchers with a get stream open, closed with it. */
  private final Set<GetBatcher> streaming;
  private final String cache;
  private final Group<K, V> local;
  private final CacheStatistics statistics;
  /** Null when the cache keeps no near copies here. */
  private final NearCache<K> near;
  private final Router<K, V> router;
  private final BulkOperations<K, V> bulk;
  private final RemoteProcessing<K, V> processing;
  /** Coalesced gets, by owner address. */
  private final ConcurrentHashMap<String, GetBatcher> batchers = new ConcurrentHashMap<>();

  ClusteredOperations(Peers peers, CacheHost host, Rebalancer rebalancer, ScheduledExecutorService deadlines,
      Set<GetBatcher> streaming, Router<K, V> router) {
    this.peers = peers;
    this.host = host;
    this.rebalancer = rebalancer;
    this.deadlines = deadlines;
    this.streaming = streaming;
    this.router = router;
    this.cache = router.cache();
    this.local = router.local();
    this.statistics = router.statistics();
    this.near = router.near();
    this.bulk = new BulkOperations<>(router);
    this.processing = new RemoteProcessing<>(router);
  }

  // ---- single-key operations

  @Override public V get(K key) {
    if (near == null) {
      return local.readsWithoutBlocking() ? batchedGet(key) : router.route(key, group -> group.get(key), (stub, header) ->
          router.value(stub.get(KeyRequest.newBuilder().setHeader(header).setKey(router.bytes(key)).build())));
    }
    byte[] copy = near.get(key);
    if (copy != null) {
      statistics.recordHits(1);
      return cast(peers.codec().decode(copy, host.classLoader()));
    }
    long stamp = near.stamp(key);
    return router.route(key, group -> group.get(key), (stub, header) -> {
      ValueResponse response = stub.get(KeyRequest.newBuilder().setHeader(header).setKey(router.bytes(key)).setNear(true).build());
      V value = router.value(response);
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
    byte[] keyBytes = router.keyBytes(key);
    // The codec's array is ours alone and never changes, so it needs no copy.
    ByteString encoded = UnsafeByteOperations.unsafeWrap(keyBytes);
    long deadline = router.retries().deadline();
    for (int attempt = 0; ; attempt++) {
      HashRing ring = peers.ring();
      HashRing.Member owner = router.ownerOf(ring, keyBytes);
      try {
        if (router.isLocal(owner)) {
          return router.serveLocally(List.of(keyBytes), deadline, () -> {
            rebalancer.prepare(router.shared(), key);
            return local.get(key);
          });
        }
        ValuesResponse.Result batched = batchers.computeIfAbsent(owner.address(), a -> new GetBatcher(peers, deadlines, streaming, owner, cache))
            .get(encoded);
        // A get that failed, or was refused with the rest of its batch, counts nothing here.
        if (batched.hasError()) {
          router.complete(null, batched.getError(), true);
        }
        statistics.recordRemote(batched.getHit() ? 1 : 0, batched.getHit() ? 0 : 1, 0, 0);
        return batched.hasValue() ? router.decode(batched.getValue()) : null;
      } catch (NotOwner e) {
        router.retries().afterRefusal(attempt, deadline, e);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private V cast(Object value) {
    return (V) value;
  }

  @Override public V peek(K key) {
    return router.route(key, group -> group.peek(key), (stub, header) ->
        router.value(stub.get(KeyRequest.newBuilder().setHeader(header).setKey(router.bytes(key)).setPeek(true).build())));
  }

  @Override public boolean containsKey(K key) {
    return router.route(key, group -> group.containsKey(key), (stub, header) -> {
      FlagResponse response = stub.containsKey(KeyRequest.newBuilder().setHeader(header).setKey(router.bytes(key)).build());
      router.complete(response.getStats(), response.getError(), response.hasError());
      return response.getFlag();
    });
  }

  private ValueResponse put(PeerCalls stub, Header header, PutRequest.Mode mode, K key, V value) {
    return stub.put(PutRequest.newBuilder().setHeader(header).setMode(mode).setKey(router.bytes(key)).setValue(router.bytes(value)).build());
  }

  @Override public void put(K key, V value) {
    router.change(key, group -> {
      group.put(key, value);
      return null;
    }, (stub, header) -> router.value(put(stub, header, PutRequest.Mode.PUT, key, value)));
  }

  @Override public V getAndPut(K key, V value) {
    return router.change(key, group -> group.getAndPut(key, value),
        (stub, header) -> router.value(put(stub, header, PutRequest.Mode.GET_AND_PUT, key, value)));
  }

  @Override public boolean putIfAbsent(K key, V value) {
    return router.change(key, group -> group.putIfAbsent(key, value),
        (stub, header) -> router.flag(put(stub, header, PutRequest.Mode.PUT_IF_ABSENT, key, value)));
  }

  private RemoveRequest.Builder remove(Header header, RemoveRequest.Mode mode, K key) {
    return RemoveRequest.newBuilder().setHeader(header).setMode(mode).setKey(router.bytes(key));
  }

  @Override public boolean remove(K key) {
    return router.change(key, group -> group.remove(key),
        (stub, header) -> router.flag(stub.remove(remove(header, RemoveRequest.Mode.REMOVE, key).build())));
  }

  @Override public boolean remove(K key, V oldValue) {
    return router.change(key, group -> group.remove(key, oldValue), (stub, header) -> router.flag(stub.remove(
        remove(header, RemoveRequest.Mode.REMOVE_IF_EQUALS, key).setExpected(router.bytes(oldValue)).build())));
  }

  @Override public V getAndRemove(K key) {
    return router.change(key, group -> group.getAndRemove(key),
        (stub, header) -> router.value(stub.remove(remove(header, RemoveRequest.Mode.GET_AND_REMOVE, key).build())));
  }

  private ReplaceRequest.Builder replace(Header header, ReplaceRequest.Mode mode, K key, V value) {
    return ReplaceRequest.newBuilder().setHeader(header).setMode(mode).setKey(router.bytes(key)).setValue(router.bytes(value));
  }

  @Override public boolean replace(K key, V value) {
    return router.change(key, group -> group.replace(key, value),
        (stub, header) -> router.flag(stub.replace(replace(header, ReplaceRequest.Mode.REPLACE, key, value).build())));
  }

  @Override public V getAndReplace(K key, V value) {
    return router.change(key, group -> group.getAndReplace(key, value),
        (stub, header) -> router.value(stub.replace(replace(header, ReplaceRequest.Mode.GET_AND_REPLACE, key, value).build())));
  }

  @Override public boolean replace(K key, V oldValue, V newValue) {
    return router.change(key, group -> group.replace(key, oldValue, newValue), (stub, header) -> router.flag(stub.replace(
        replace(header, ReplaceRequest.Mode.REPLACE_IF_EQUALS, key, newValue).setExpected(router.bytes(oldValue)).build())));
  }

  /**
   * Runs the processor on the key's owner: here, with nothing serialized, when this member owns
   * the key; else sent to the owner if it can be, or run here under a lock on the key held at the
   * owner if it cannot ({@link RemoteProcessing}).
   */
  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    return invoke(key, processor, router.travelling(processor, arguments), arguments);
  }

  @SuppressWarnings("unchecked")
  private <T> T invoke(K key, EntryProcessor<K, V, T> processor, Router.Travelling travelling, Object... arguments) {
    if (travelling == null) {
      return router.changeAt(key, group -> group.invoke(key, processor, arguments),
          (owner, deadline) -> processing.invoke(owner, key, processor, arguments));
    }
    return router.change(key, group -> group.invoke(key, processor, arguments), (stub, header) -> (T) router.value(stub.invoke(
        InvokeRequest.newBuilder().setHeader(header).setKey(router.bytes(key)).setProcessor(travelling.processor())
            .addAllArguments(travelling.arguments()).build())));
  }


  // ---- many keys, and the whole cache: see BulkOperations

  @Override public Map<K, V> getAll(Set<? extends K> keys) {
    return bulk.getAll(keys);
  }

  @Override public void loadAll(Set<? extends K> keys, boolean replaceExisting) {
    bulk.loadAll(keys, replaceExisting);
  }

  @Override public void putAll(Map<? extends K, ? extends V> entries) {
    bulk.putAll(entries);
  }

  @Override public void removeAll(Set<? extends K> keys) {
    bulk.removeAll(keys);
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
      Object... arguments) {
    Router.Travelling travelling = router.travelling(processor, arguments);
    if (travelling != null) {
      return bulk.invokeAll(keys, processor, travelling, arguments);
    }
    // A processor that cannot travel runs key by key, each as invoke runs it; a failure is that key's result.
    Map<K, EntryProcessorResult<T>> results = new LinkedHashMap<>();
    for (K key : keys) {
      try {
        T result = invoke(key, processor, null, arguments);
        if (result != null) {
          results.put(key, () -> result);
        }
      } catch (EntryProcessorException e) {
        results.put(key, () -> {
          throw e;
        });
      } catch (EntryLockLostException e) {
        results.put(key, () -> {
          throw new EntryProcessorException(e);
        });
      }
    }
    return results;
  }

  @Override public void removeAll() {
    bulk.removeAll();
  }

  @Override public void clear() {
    bulk.clear();
  }

  @Override public long size() {
    return bulk.size();
  }

  @Override public Collection<K> keys() {
    return bulk.keys();
  }
}
