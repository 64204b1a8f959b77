package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kamacache.group.Group;
import io.kamacache.replication.Copies;
import io.kamacache.management.CacheStatistics;
import io.kamacache.proto.v1.CacheRequest;
import io.kamacache.proto.v1.CachesResponse;
import io.kamacache.proto.v1.DrainResponse;
import io.kamacache.proto.v1.MembersResponse;
import io.kamacache.proto.v1.StatsResponse;
import io.kamacache.proto.v1.Copy;
import io.kamacache.proto.v1.CopyRequest;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.EntriesResponse;
import io.kamacache.proto.v1.Entry;
import io.kamacache.proto.v1.EventsRequest;
import io.kamacache.proto.v1.FlagResponse;
import io.kamacache.proto.v1.InvokeAllRequest;
import io.kamacache.proto.v1.InvokeAllResponse;
import io.kamacache.proto.v1.InvokeRequest;
import io.kamacache.proto.v1.KeyRequest;
import io.kamacache.proto.v1.KeysRequest;
import io.kamacache.proto.v1.KeysResponse;
import io.kamacache.proto.v1.LoadAllRequest;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.proto.v1.PutAllRequest;
import io.kamacache.proto.v1.PutRequest;
import io.kamacache.proto.v1.RemoveRequest;
import io.kamacache.proto.v1.ReplaceRequest;
import io.kamacache.proto.v1.SizeResponse;
import io.kamacache.proto.v1.SyncRequest;
import io.kamacache.proto.v1.SyncResponse;
import io.kamacache.proto.v1.ValueResponse;
import io.kamacache.proto.v1.ValuesResponse;
import io.kamacache.transport.RemoteErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;

/**
 * The owner's side of the peer protocol. Each request runs through the same {@link Group} code as
 * a local call, after two checks: the cache exists here, and this member owns every key under its
 * own view. A member that does not own a key answers NOT_OWNER with its epoch and never forwards.
 * Whatever the operation throws goes back as a typed error, and its statistics go back to the
 * caller's node.
 */
final class PeerService extends PeerGrpc.PeerImplBase {

  private final ClusterMetrics metrics;
  private final RequestChecks checks;
  private final Executor callers;
  private final Executor members;
  // The parts below need the members' view, which needs this member's address, which needs the
  // server this service runs in: so they come after the server starts, in answerWith, and before
  // this member registers, so before anyone calls.
  private volatile CallDispatch calls;
  private volatile MemberCalls memberCalls;
  /** The near caches here, which a clear drops whole. */
  private volatile LocalCaches caches;
  /** Runs each request on this member's Group, as the owner of its keys. */
  private volatile OwnerRequests requests;
  /** Re-reads of etcd that Refresh calls ask for: concurrent calls share one. */
  private volatile Coalesced refreshes;
  /** The operators' calls (issue 14); see AdminCalls. */
  private volatile AdminCalls admin;

  /**
   * The server calls us on its transport threads. Reads that can only run JSR-107's own code stay
   * there, which saves a thread hop per call; everything that may block (loaders, writers,
   * listeners, etcd) or decode what a caller serialized moves to a bounded pool: {@code callers}
   * for cache operations, {@code members} for what only members send, so that a flood of the
   * first never starves the backups and barriers that keep the cluster consistent.
   */
  PeerService(ClusterConfig config, ClusterMetrics metrics, Executor callers, Executor members) {
    this.metrics = metrics;
    this.checks = new RequestChecks(config.maxKeyBytes);
    this.callers = callers;
    this.members = members;
  }

  /** Gives this service the parts that answer; {@code refreshViews} re-reads what peers ask us to. */
  void answerWith(Peers peers, LocalCaches caches, Ownership ownership, Barrier barrier, Rebalancer rebalancer,
      Runnable refreshViews) {
    CallDispatch dispatch = new CallDispatch(peers, callers, members);
    this.memberCalls = new MemberCalls(peers, caches, barrier, dispatch, checks);
    this.refreshes = new Coalesced(refreshViews);
    this.requests = new OwnerRequests(peers, caches, ownership, rebalancer);
    this.caches = caches;
    this.calls = dispatch;
  }

  /** Gives this service what answers operators; after {@link #answerWith}, before anyone calls. */
  void answerAdminWith(Peers peers, String address, CacheHost host, Lifecycle lifecycle) {
    this.admin = new AdminCalls(peers, address, host, lifecycle, metrics, calls, checks);
  }

  @Override
  public void get(KeyRequest request, StreamObserver<ValueResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    // A near get reads the entry's time to live under its lock, so it never runs inline.
    boolean inline = !request.getNear() && !request.getPeek() && requests.inlineRead(request.getHeader(), request.getKey());
    calls.dispatch(inline, observer, () -> {
      ValueResponse.Builder builder = ValueResponse.newBuilder();
      boolean[] busy = new boolean[1];
      requests.handle(request.getHeader(), List.of(request.getKey()), builder, (group, decoded, response) -> {
        Object key = decoded.get(0);
        Object value;
        if (inline) {
          value = group.tryGet(key);
          if (value == Group.BUSY) {
            busy[0] = true;
            return;
          }
        } else {
          value = request.getPeek() ? group.peek(key) : group.get(key);
        }
        requests.value(response, value);
        if (request.getNear() && value != null) {
          // The near copy must end when the entry does; read after the get, which may move it.
          Copies.Copy<Object> entry = group.copies().readOwned(key);
          response.setTtlNanos(entry == null ? 0 : entry.ttlNanos);
        }
      }, busy, requests.out(observer));
      if (busy[0]) {
        // The key's lock is held, maybe across a backup's round trip: wait for it off the transport.
        calls.dispatch(false, observer, () -> requests.handle(request.getHeader(), List.of(request.getKey()), ValueResponse.newBuilder(),
            (group, decoded, response) -> requests.value(response, group.get(decoded.get(0))), requests.out(observer)));
      }
    });
  }

  /** Answers one batch of a get stream: each key as its own get, see {@link BatchStreams}. */
  private void answerMany(KeysRequest request, StreamObserver<ValuesResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    boolean inline = true;
    for (ByteString key : request.getKeysList()) {
      inline &= requests.inlineRead(request.getHeader(), key);
    }
    boolean onTransport = inline;
    calls.dispatch(inline, observer, () -> answerMany(request, observer, onTransport));
  }

  /**
   * On the transport, a key whose lock is held makes the whole batch start again off it: its
   * answer, with the counts it carries, is dropped unsent, so nothing is counted twice.
   */
  private void answerMany(KeysRequest request, StreamObserver<ValuesResponse> observer, boolean onTransport) {
    boolean[] busy = new boolean[1];
    requests.handle(request.getHeader(), request.getKeysList(), ValuesResponse.newBuilder(), (group, decoded, response) -> {
      for (Object key : decoded) {
        ValuesResponse.Result.Builder result = ValuesResponse.Result.newBuilder();
        // Each key is its own get, with its own statistics and its own error.
        try (CacheStatistics.Capture capture = CacheStatistics.capture()) {
          Object value = onTransport ? group.tryGet(key) : group.get(key);
          if (value == Group.BUSY) {
            busy[0] = true;
            return;
          }
          if (value != null) {
            result.setValue(requests.encode(value));
          }
          result.setHit(capture.hits() > 0);
        } catch (Throwable t) {
          result.setError(RemoteErrors.toProto(t));
        }
        response.addResults(result);
      }
      metrics.batchedGets(request.getKeysCount());
    }, busy, requests.out(observer));
    if (busy[0]) {
      calls.dispatch(false, observer, () -> answerMany(request, observer, false));
    }
  }

  /** The get streams callers have open here, ended when this member closes. */
  private final BatchStreams batchStreams = new BatchStreams(this::answerMany);

  @Override
  public StreamObserver<KeysRequest> getBatches(StreamObserver<ValuesResponse> observer) {
    return batchStreams.open(observer);
  }

  /** Ends the callers' get streams, so that the server can stop without waiting for them. */
  void endBatchStreams() {
    batchStreams.endAll();
  }

  @Override
  public void containsKey(KeyRequest request, StreamObserver<FlagResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    // It reads under the key's lock, which a writer may hold across a backup's round trip.
    calls.dispatch(false, observer, () -> {
      requests.handle(request.getHeader(), List.of(request.getKey()), FlagResponse.newBuilder(),
          (group, decoded, response) -> response.setFlag(group.containsKey(decoded.get(0))), requests.out(observer));
    });
  }

  @Override
  public void put(PutRequest request, StreamObserver<ValueResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      requests.handle(request.getHeader(), List.of(request.getKey()), ValueResponse.newBuilder(), (group, decoded, response) -> {
        Object key = decoded.get(0);
        Object value = requests.decode(request.getValue());
        switch (request.getMode()) {
          case GET_AND_PUT:
            requests.value(response, group.getAndPut(key, value));
            break;
          case PUT_IF_ABSENT:
            response.setFlag(group.putIfAbsent(key, value));
            break;
          case PUT:
            group.put(key, value);
            break;
          default:
            throw new IllegalStateException("unchecked put mode " + request.getMode());
        }
      }, requests.out(observer));
    });
  }

  @Override
  public void remove(RemoveRequest request, StreamObserver<ValueResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      requests.handle(request.getHeader(), List.of(request.getKey()), ValueResponse.newBuilder(), (group, decoded, response) -> {
        Object key = decoded.get(0);
        switch (request.getMode()) {
          case REMOVE_IF_EQUALS:
            response.setFlag(group.remove(key, requests.decode(request.getExpected())));
            break;
          case GET_AND_REMOVE:
            requests.value(response, group.getAndRemove(key));
            break;
          case REMOVE:
            response.setFlag(group.remove(key));
            break;
          default:
            throw new IllegalStateException("unchecked remove mode " + request.getMode());
        }
      }, requests.out(observer));
    });
  }

  @Override
  public void replace(ReplaceRequest request, StreamObserver<ValueResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      requests.handle(request.getHeader(), List.of(request.getKey()), ValueResponse.newBuilder(), (group, decoded, response) -> {
        Object key = decoded.get(0);
        Object value = requests.decode(request.getValue());
        switch (request.getMode()) {
          case REPLACE_IF_EQUALS:
            response.setFlag(group.replace(key, requests.decode(request.getExpected()), value));
            break;
          case GET_AND_REPLACE:
            requests.value(response, group.getAndReplace(key, value));
            break;
          case REPLACE:
            response.setFlag(group.replace(key, value));
            break;
          default:
            throw new IllegalStateException("unchecked replace mode " + request.getMode());
        }
      }, requests.out(observer));
    });
  }

  @Override
  @SuppressWarnings("unchecked")
  public void invoke(InvokeRequest request, StreamObserver<ValueResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      requests.handle(request.getHeader(), List.of(request.getKey()), ValueResponse.newBuilder(), (group, decoded, response) -> {
        EntryProcessor<Object, Object, Object> processor = (EntryProcessor<Object, Object, Object>) requests.decode(request.getProcessor());
        requests.value(response, group.invoke(decoded.get(0), processor, arguments(request.getArgumentsList())));
      }, requests.out(observer));
    });
  }

  private Object[] arguments(List<ByteString> encoded) {
    Object[] arguments = new Object[encoded.size()];
    for (int i = 0; i < arguments.length; i++) {
      arguments[i] = requests.decode(encoded.get(i));
    }
    return arguments;
  }

  @Override
  public void getAll(KeysRequest request, StreamObserver<EntriesResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      requests.handle(request.getHeader(), request.getKeysList(), EntriesResponse.newBuilder(), (group, decoded, response) -> {
        for (Map.Entry<Object, Object> entry : group.getAll(new LinkedHashSet<>(decoded)).entrySet()) {
          response.addEntries(Entry.newBuilder().setKey(requests.encode(entry.getKey())).setValue(requests.encode(entry.getValue())));
        }
      }, requests.out(observer));
    });
  }

  @Override
  public void putAll(PutAllRequest request, StreamObserver<DoneResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      List<ByteString> keys = new ArrayList<>();
      for (Entry entry : request.getEntriesList()) {
        keys.add(entry.getKey());
      }
      requests.handle(request.getHeader(), keys, DoneResponse.newBuilder(), (group, decoded, response) -> {
        Map<Object, Object> entries = new LinkedHashMap<>();
        for (int i = 0; i < decoded.size(); i++) {
          entries.put(decoded.get(i), requests.decode(request.getEntries(i).getValue()));
        }
        group.putAll(entries);
      }, requests.out(observer));
    });
  }

  @Override
  public void removeAll(KeysRequest request, StreamObserver<DoneResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      requests.handle(request.getHeader(), request.getKeysList(), DoneResponse.newBuilder(),
          (group, decoded, response) -> group.removeAll(new LinkedHashSet<>(decoded)), requests.out(observer));
    });
  }

  @Override
  @SuppressWarnings("unchecked")
  public void invokeAll(InvokeAllRequest request, StreamObserver<InvokeAllResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      requests.handle(request.getHeader(), request.getKeysList(), InvokeAllResponse.newBuilder(), (group, decoded, response) -> {
        EntryProcessor<Object, Object, Object> processor = (EntryProcessor<Object, Object, Object>) requests.decode(request.getProcessor());
        Map<Object, EntryProcessorResult<Object>> results =
            group.invokeAll(new LinkedHashSet<>(decoded), processor, arguments(request.getArgumentsList()));
        for (Map.Entry<Object, EntryProcessorResult<Object>> entry : results.entrySet()) {
          InvokeAllResponse.Result.Builder result = InvokeAllResponse.Result.newBuilder().setKey(requests.encode(entry.getKey()));
          try {
            Object value = entry.getValue().get();
            if (value != null) {
              result.setValue(requests.encode(value));
            }
          } catch (RuntimeException e) {
            result.setError(RemoteErrors.toProto(e));
          }
          response.addResults(result);
        }
      }, requests.out(observer));
    });
  }

  @Override
  public void loadAll(LoadAllRequest request, StreamObserver<DoneResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      requests.handle(request.getHeader(), request.getKeysList(), DoneResponse.newBuilder(),
          (group, decoded, response) -> group.loadAll(new LinkedHashSet<>(decoded), request.getReplaceExisting()), requests.out(observer));
    });
  }

  @Override
  public void clear(CacheRequest request, StreamObserver<DoneResponse> observer) {
    wholeCache(request, observer, DoneResponse.newBuilder(), (group, decoded, response) -> {
      // A clear changes no entry one by one, so no owner invalidates: every member drops its copies.
      invalidateNear(request.getHeader().getCache());
      group.clear();
    });
  }

  private void invalidateNear(String cache) {
    NearCache<Object> near = caches.nearCache(cache);
    if (near != null) {
      near.invalidateAll();
    }
  }

  @Override
  public void removeEverything(CacheRequest request, StreamObserver<DoneResponse> observer) {
    wholeCache(request, observer, DoneResponse.newBuilder(), (group, decoded, response) -> group.removeAll());
  }

  @Override
  public void size(CacheRequest request, StreamObserver<SizeResponse> observer) {
    wholeCache(request, observer, SizeResponse.newBuilder(),
        (group, decoded, response) -> response.setEntries(group.size()));
  }

  /** A call on what this member holds of a cache: its request is a header alone, and it runs on a pool. */
  private <T, B extends Message.Builder> void wholeCache(CacheRequest request, StreamObserver<T> observer, B response,
      OwnerRequests.Operation<B> operation) {
    if (!CallDispatch.valid(() -> checks.header(request.getHeader(), true), observer)) {
      return;
    }
    calls.dispatch(false, observer,
        () -> requests.handle(request.getHeader(), List.of(), response, operation, requests.out(observer)));
  }

  /**
   * Re-reads the definitions and listeners from etcd. Calls that come together share one re-read
   * that starts after they came, so a flood of them costs etcd one read at a time, not one each.
   */
  @Override
  public void refresh(CacheRequest request, StreamObserver<DoneResponse> observer) {
    if (!CallDispatch.valid(() -> checks.header(request.getHeader(), false), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      refreshes.run();
      observer.onNext(DoneResponse.getDefaultInstance());
      observer.onCompleted();
    });
  }

  /**
   * The keys this member holds, in pages of at most {@link KeyPages#PAGE}, each sent only when the
   * caller is ready for it: a caller that stops reading holds one page here, not every key.
   */
  @Override
  public void keys(CacheRequest request, StreamObserver<KeysResponse> observer) {
    if (!CallDispatch.valid(() -> checks.header(request.getHeader(), true), observer)) {
      return;
    }
    KeyPages pages = new KeyPages((ServerCallStreamObserver<KeysResponse>) observer, requests::encode);
    calls.dispatch(false, observer, () -> {
      List<Object> all = new ArrayList<>();
      KeysResponse.Builder failure = KeysResponse.newBuilder();
      requests.handle(request.getHeader(), List.of(), failure, (group, decoded, response) -> all.addAll(group.keys()),
          new StreamObserver<>() {
            @Override public void onNext(Message message) {
            }

            @Override public void onError(Throwable t) {
            }

            @Override public void onCompleted() {
            }
          });
      pages.send(failure.hasError() ? null : all, failure.build());
    });
  }

  // ---- what only members send: see MemberCalls

  @Override
  public void backup(CopyRequest request, StreamObserver<DoneResponse> observer) {
    memberCalls.backup(request, observer);
  }

  @Override
  public void handoff(CopyRequest request, StreamObserver<DoneResponse> observer) {
    memberCalls.handoff(request, observer);
  }

  @Override
  public void sync(SyncRequest request, StreamObserver<SyncResponse> observer) {
    memberCalls.sync(request, observer);
  }

  @Override
  public void events(EventsRequest request, StreamObserver<DoneResponse> observer) {
    memberCalls.events(request, observer);
  }

  @Override
  public void invalidate(KeysRequest request, StreamObserver<DoneResponse> observer) {
    memberCalls.invalidate(request, observer);
  }

  // ---- what operators ask (issue 14): see AdminCalls

  @Override
  public void members(CacheRequest request, StreamObserver<MembersResponse> observer) {
    admin.members(request, observer);
  }

  @Override
  public void caches(CacheRequest request, StreamObserver<CachesResponse> observer) {
    admin.caches(request, observer);
  }

  @Override
  public void stats(CacheRequest request, StreamObserver<StatsResponse> observer) {
    admin.stats(request, observer);
  }

  @Override
  public void drain(CacheRequest request, StreamObserver<DrainResponse> observer) {
    admin.drain(request, observer);
  }
}
