package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.kamacache.group.Group;
import io.kamacache.proto.v1.CacheRequest;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.EntriesResponse;
import io.kamacache.proto.v1.Entry;
import io.kamacache.proto.v1.InvokeAllRequest;
import io.kamacache.proto.v1.InvokeAllResponse;
import io.kamacache.proto.v1.KeysRequest;
import io.kamacache.proto.v1.KeysResponse;
import io.kamacache.proto.v1.LoadAllRequest;
import io.kamacache.proto.v1.PutAllRequest;
import io.kamacache.proto.v1.SizeResponse;
import io.kamacache.transport.PeerCalls;
import io.kamacache.transport.RemoteErrors;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * A cache's operations on many keys, routed with one call per owner, and on the whole cache,
 * with one call per member: each member acts on what it holds.
 */
final class BulkOperations<K, V> {

  private final Router<K, V> router;
  private final Group<K, V> local;
  private final NearCache<K> near;

  BulkOperations(Router<K, V> router) {
    this.router = router;
    this.local = router.local();
    this.near = router.near();
  }

  public Map<K, V> getAll(Set<? extends K> keys) {
    Map<K, V> result = new LinkedHashMap<>();
    router.partition(keys, (owner, share) -> {
      if (router.isLocal(owner)) {
        result.putAll(router.locally(share, local::getAll));
        return;
      }
      EntriesResponse response = router.call(owner, (stub, header) ->
          stub.getAll(KeysRequest.newBuilder().setHeader(header).addAllKeys(router.keyList(share)).build()));
      router.complete(response.getStats(), response.getError(), response.hasError());
      for (Entry entry : response.getEntriesList()) {
        result.put(router.decode(entry.getKey()), router.decode(entry.getValue()));
      }
    });
    return result;
  }

  public void loadAll(Set<? extends K> keys, boolean replaceExisting) {
    router.changeAll(keys, () -> router.partition(keys, (owner, share) -> {
      if (router.isLocal(owner)) {
        router.locally(share, keys1 -> {
          local.loadAll(keys1, replaceExisting);
          return null;
        });
        return;
      }
      DoneResponse response = router.call(owner, (stub, header) -> stub.loadAll(LoadAllRequest.newBuilder()
          .setHeader(header).addAllKeys(router.keyList(share)).setReplaceExisting(replaceExisting).build()));
      router.complete(response.getStats(), response.getError(), response.hasError());
    }));
  }

  public void putAll(Map<? extends K, ? extends V> entries) {
    // Every owner's share goes out before any answer is waited for (Router#partitionAtOnce).
    router.changeAll(entries.keySet(), () -> router.partitionAtOnce(entries.keySet(), (owner, share) -> {
      Map<K, V> part = new LinkedHashMap<>();
      for (K key : share) {
        part.put(key, entries.get(key));
      }
      if (router.isLocal(owner)) {
        router.locally(share, keys1 -> {
          local.putAll(part);
          return null;
        });
        return Router.DONE;
      }
      PutAllRequest.Builder request = PutAllRequest.newBuilder();
      for (Map.Entry<K, V> entry : part.entrySet()) {
        request.addEntries(Entry.newBuilder().setKey(router.bytes(entry.getKey())).setValue(router.bytes(entry.getValue())));
      }
      Supplier<DoneResponse> answer = router.start(owner, (stub, header) -> stub.sendPutAll(request.setHeader(header).build()));
      return () -> done(answer.get());
    }));
  }

  public void removeAll(Set<? extends K> keys) {
    router.changeAll(keys, () -> router.partitionAtOnce(keys, (owner, share) -> {
      if (router.isLocal(owner)) {
        router.locally(share, keys1 -> {
          local.removeAll(keys1);
          return null;
        });
        return Router.DONE;
      }
      Supplier<DoneResponse> answer = router.start(owner, (stub, header) ->
          stub.sendRemoveAll(KeysRequest.newBuilder().setHeader(header).addAllKeys(router.keyList(share)).build()));
      return () -> done(answer.get());
    }));
  }

  private void done(DoneResponse response) {
    router.completeBulk(response);
  }

  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
      Router.Travelling travelling, Object... arguments) {
    ByteString encoded = travelling.processor();
    List<ByteString> args = travelling.arguments();
    Map<K, EntryProcessorResult<T>> results = new LinkedHashMap<>();
    router.changeAll(keys, () -> router.partition(keys, (owner, share) -> {
      if (router.isLocal(owner)) {
        results.putAll(router.locally(share, keys1 -> local.invokeAll(keys1, processor, arguments)));
        return;
      }
      InvokeAllResponse response = router.call(owner, (stub, header) -> stub.invokeAll(InvokeAllRequest.newBuilder()
          .setHeader(header).addAllKeys(router.keyList(share)).setProcessor(encoded).addAllArguments(args).build()));
      router.complete(response.getStats(), response.getError(), response.hasError());
      for (InvokeAllResponse.Result result : response.getResultsList()) {
        K key = router.decode(result.getKey());
        if (result.hasError()) {
          RuntimeException error = RemoteErrors.toException(result.getError());
          results.put(key, () -> {
            throw error instanceof EntryProcessorException
                ? (EntryProcessorException) error
                : new EntryProcessorException(error);
          });
        } else if (result.hasValue()) {
          T value = router.decode(result.getValue());
          results.put(key, () -> value);
        }
      }
    }));
    return results;
  }

  // ---- whole-cache operations: every member acts on what it holds

  private void everyMember(Function<Group<K, V>, Void> onLocal,
      BiFunction<PeerCalls, CacheRequest, DoneResponse> onRemote) {
    if (near != null) {
      near.invalidateAll();
    }
    try {
      router.onEveryMember((member, ring) -> {
        if (router.isLocal(member)) {
          router.serveLocally(List.of(), router.retries().deadline(), () -> onLocal.apply(local));
        } else {
          DoneResponse response = router.call(member, (stub, header) ->
              onRemote.apply(stub, CacheRequest.newBuilder().setHeader(header).build()));
          router.completeWhole(response.getStats(), response.getError(), response.hasError());
        }
      });
    } finally {
      if (near != null) {
        near.invalidateAll();
      }
    }
  }

  public void removeAll() {
    everyMember(group -> {
      group.removeAll();
      return null;
    }, PeerCalls::removeEverything);
  }

  public void clear() {
    everyMember(group -> {
      group.clear();
      return null;
    }, PeerCalls::clear);
  }

  public Collection<K> keys() {
    Set<K> keys = new LinkedHashSet<>();
    router.onEveryMember((member, ring) -> {
      if (router.isLocal(member)) {
        keys.addAll(router.serveLocally(List.of(), router.retries().deadline(), local::keys));
        return;
      }
      KeysResponse response = router.call(member, (stub, header) ->
          stub.keys(CacheRequest.newBuilder().setHeader(header).build()));
      router.completeWhole(null, response.getError(), response.hasError());
      for (ByteString key : response.getKeysList()) {
        keys.add(router.decode(key));
      }
    });
    return keys;
  }

  public long size() {
    long[] entries = new long[1];
    router.onEveryMember((member, ring) -> {
      if (router.isLocal(member)) {
        entries[0] += router.serveLocally(List.of(), router.retries().deadline(), local::size);
        return;
      }
      SizeResponse response = router.call(member, (stub, header) ->
          stub.size(CacheRequest.newBuilder().setHeader(header).build()));
      router.completeWhole(null, response.getError(), response.hasError());
      entries[0] += response.getEntries();
    });
    return entries[0];
  }
}
