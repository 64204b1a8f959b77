package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kamacache.codec.WireCodec;
import io.kamacache.replication.Copies;
import io.kamacache.group.Group;
import io.kamacache.replication.Replication;
import io.kamacache.management.CacheStatistics;
import io.kamacache.proto.v1.CacheRequest;
import io.kamacache.proto.v1.Copy;
import io.kamacache.proto.v1.CopyRequest;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.EntriesResponse;
import io.kamacache.proto.v1.Entry;
import io.kamacache.proto.v1.Error;
import io.kamacache.proto.v1.EventsRequest;
import io.kamacache.proto.v1.FlagResponse;
import io.kamacache.proto.v1.Header;
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
import io.kamacache.proto.v1.Stats;
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
import java.util.concurrent.TimeUnit;
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

  private final ClusterNode node;
  private final CallDispatch calls;
  private final MemberCalls memberCalls;
  private final RequestChecks checks;
  /** Re-reads of etcd that Refresh calls ask for: concurrent calls share one. */
  private final Coalesced refreshes;

  /**
   * The server calls us on its transport threads. Reads that can only run JSR-107's own code stay
   * there, which saves a thread hop per call; everything that may block (loaders, writers,
   * listeners, etcd) or decode what a caller serialized moves to a bounded pool: {@code callers}
   * for cache operations, {@code members} for what only members send, so that a flood of the
   * first never starves the backups and barriers that keep the cluster consistent.
   */
  PeerService(ClusterNode node, Executor callers, Executor members) {
    this.node = node;
    this.calls = new CallDispatch(node, callers, members);
    this.checks = new RequestChecks(node.config().maxKeyBytes);
    this.memberCalls = new MemberCalls(node, calls, checks);
    this.refreshes = new Coalesced(node::refreshViews);
  }

  /**
   * Whether a read of {@code key} cannot block: see {@link Group#readsWithoutBlocking()}. A
   * caller ahead of our view makes us read etcd first, which blocks.
   */
  private boolean inlineRead(Header header, ByteString key) {
    HashRing ring = node.ring();
    // What a caller serialized is decoded on the bounded pools only: see WireCodec.decodesPlainly.
    if (!node.isOpen() || header.getEpoch() > node.epoch() || !WireCodec.decodesPlainly(key.byteAt(0))) {
      return false;
    }
    Group<Object, Object> group = node.localGroup(header.getCache());
    if (group == null || !group.readsWithoutBlocking()) {
      return false;
    }
    HashRing.Member owner = ring.owner(key.toByteArray());
    if (owner == null || !owner.id().equals(node.memberId())) {
      return false;
    }
    // Adopting a backup copy puts it on this member's backups, which waits for them.
    try {
      return !group.copies().mayHoldBackup(decode(key));
    } catch (RuntimeException e) {
      return false; // a key that cannot be decoded gets its error off the transport
    }
  }

  /** An operation on the cache's Group with the request's keys, decoded once, filling in the response. */
  private interface Operation<B> {
    void run(Group<Object, Object> group, List<Object> keys, B response) throws Exception;
  }

  /** A refusal that travels as a typed error rather than an exception from the Group. */
  private static final class Refused extends RuntimeException {
    final Error error;

    Refused(Error error) {
      super(error.getMessage(), null, false, false);
      this.error = error;
    }
  }

  /**
   * Runs a request for keys this member must own: past its deadline it is not run at all; a caller
   * that has seen a newer view makes us catch up first; then the operation runs under a claim on
   * the keys ({@link Ownership#serve}), or is refused with NOT_OWNER, which the caller retries.
   */
  private <B extends com.google.protobuf.Message.Builder> void handle(Header header, List<ByteString> keys,
      B response, Operation<B> operation, StreamObserver<? super com.google.protobuf.Message> observer) {
    handle(header, keys, response, operation, null, observer);
  }

  /** As above; if the operation sets {@code busy[0]}, nothing is answered and the caller runs it again. */
  private <B extends com.google.protobuf.Message.Builder> void handle(Header header, List<ByteString> keys,
      B response, Operation<B> operation, boolean[] busy, StreamObserver<? super com.google.protobuf.Message> observer) {
    try {
      Deadline deadline = Context.current().getDeadline();
      if (deadline != null && deadline.isExpired()) {
        throw new Refused(RemoteErrors.toProto(new javax.cache.CacheException(
            "the request's deadline passed before it ran; it was not applied")));
      }
      if (!node.ownership().leaseProven()) {
        // Catching up would wait for etcd, which this member cannot reach: refuse at once.
        throw new Refused(RemoteErrors.notOwner(node.epoch(), "cannot prove its etcd lease is alive"));
      }
      long until = System.nanoTime() + (deadline == null ? node.config().timeout.toNanos()
          : deadline.timeRemaining(java.util.concurrent.TimeUnit.NANOSECONDS));
      // Half the caller's time at most: if etcd cannot tell us in that, the caller hears why.
      if (!node.catchUp(header.getEpoch(), Math.max(1, (until - System.nanoTime()) / 2_000_000))) {
        throw new Refused(RemoteErrors.notOwner(node.epoch(), "cannot catch up with the caller's newer view"));
      }
      Group<Object, Object> group = node.group(header.getCache());
      if (group == null) {
        // A member still joining may not know the cache yet: the caller tries again.
        throw new Refused(node.isOpen() ? RemoteErrors.unknownCache(header.getCache())
            : RemoteErrors.notOwner(node.epoch(), "not open: joining or leaving"));
      }
      List<byte[]> keyBytes = new ArrayList<>(keys.size());
      for (ByteString key : keys) {
        keyBytes.add(key.toByteArray());
      }
      node.ownership().serve(keyBytes, until, () -> {
        List<Object> decoded = new ArrayList<>(keys.size());
        for (ByteString key : keys) {
          Object one = decode(key);
          node.rebalancer().prepare(group, one);
          decoded.add(one);
        }
        try (CacheStatistics.Capture capture = CacheStatistics.capture()) {
          NearInvalidations.ORIGIN.set(header.getSender());
          try {
            operation.run(group, decoded, response);
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new javax.cache.CacheException(e);
          } finally {
            NearInvalidations.ORIGIN.remove();
            ResponseFields.stats(response, Stats.newBuilder().setHits(capture.hits()).setMisses(capture.misses())
                .setPuts(capture.puts()).setRemovals(capture.removals()).build());
          }
        }
        return null;
      });
    } catch (Refused refused) {
      ResponseFields.error(response, refused.error);
    } catch (Ownership.Refused refused) {
      ResponseFields.error(response, RemoteErrors.notOwner(refused.epoch, refused.getMessage()));
    } catch (Replication.Refused refused) {
      ResponseFields.error(response, RemoteErrors.notOwner(node.epoch(), refused.getMessage()));
    } catch (Throwable t) {
      ResponseFields.error(response, RemoteErrors.toProto(t));
    }
    if (busy != null && busy[0]) {
      return;
    }
    observer.onNext(response.build());
    observer.onCompleted();
  }

  private Object decode(ByteString bytes) {
    return node.codec().decode(bytes.toByteArray(), node.classLoader());
  }

  private ByteString encode(Object value) {
    return ByteString.copyFrom(node.codec().encode(value));
  }

  private void value(ValueResponse.Builder response, Object value) {
    if (value != null) {
      response.setValue(encode(value));
    }
  }

  @SuppressWarnings("unchecked")
  private <T> StreamObserver<com.google.protobuf.Message> out(StreamObserver<T> observer) {
    return (StreamObserver<com.google.protobuf.Message>) observer;
  }

  @Override
  public void get(KeyRequest request, StreamObserver<ValueResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    // A near get reads the entry's time to live under its lock, so it never runs inline.
    boolean inline = !request.getNear() && !request.getPeek() && inlineRead(request.getHeader(), request.getKey());
    calls.dispatch(inline, observer, () -> {
      ValueResponse.Builder builder = ValueResponse.newBuilder();
      boolean[] busy = new boolean[1];
      handle(request.getHeader(), List.of(request.getKey()), builder, (group, decoded, response) -> {
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
        value(response, value);
        if (request.getNear() && value != null) {
          // The near copy must end when the entry does; read after the get, which may move it.
          Copies.Copy<Object> entry = group.copies().readOwned(key);
          response.setTtlNanos(entry == null ? 0 : entry.ttlNanos);
        }
      }, busy, out(observer));
      if (busy[0]) {
        // The key's lock is held, maybe across a backup's round trip: wait for it off the transport.
        calls.dispatch(false, observer, () -> handle(request.getHeader(), List.of(request.getKey()), ValueResponse.newBuilder(),
            (group, decoded, response) -> value(response, group.get(decoded.get(0))), out(observer)));
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
      inline &= inlineRead(request.getHeader(), key);
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
    handle(request.getHeader(), request.getKeysList(), ValuesResponse.newBuilder(), (group, decoded, response) -> {
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
            result.setValue(encode(value));
          }
          result.setHit(capture.hits() > 0);
        } catch (Throwable t) {
          result.setError(RemoteErrors.toProto(t));
        }
        response.addResults(result);
      }
      node.batchedGets.add(request.getKeysCount());
    }, busy, out(observer));
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
      handle(request.getHeader(), List.of(request.getKey()), FlagResponse.newBuilder(),
          (group, decoded, response) -> response.setFlag(group.containsKey(decoded.get(0))), out(observer));
    });
  }

  @Override
  public void put(PutRequest request, StreamObserver<ValueResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      handle(request.getHeader(), List.of(request.getKey()), ValueResponse.newBuilder(), (group, decoded, response) -> {
        Object key = decoded.get(0);
        Object value = decode(request.getValue());
        switch (request.getMode()) {
          case GET_AND_PUT:
            value(response, group.getAndPut(key, value));
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
      }, out(observer));
    });
  }

  @Override
  public void remove(RemoveRequest request, StreamObserver<ValueResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      handle(request.getHeader(), List.of(request.getKey()), ValueResponse.newBuilder(), (group, decoded, response) -> {
        Object key = decoded.get(0);
        switch (request.getMode()) {
          case REMOVE_IF_EQUALS:
            response.setFlag(group.remove(key, decode(request.getExpected())));
            break;
          case GET_AND_REMOVE:
            value(response, group.getAndRemove(key));
            break;
          case REMOVE:
            response.setFlag(group.remove(key));
            break;
          default:
            throw new IllegalStateException("unchecked remove mode " + request.getMode());
        }
      }, out(observer));
    });
  }

  @Override
  public void replace(ReplaceRequest request, StreamObserver<ValueResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      handle(request.getHeader(), List.of(request.getKey()), ValueResponse.newBuilder(), (group, decoded, response) -> {
        Object key = decoded.get(0);
        Object value = decode(request.getValue());
        switch (request.getMode()) {
          case REPLACE_IF_EQUALS:
            response.setFlag(group.replace(key, decode(request.getExpected()), value));
            break;
          case GET_AND_REPLACE:
            value(response, group.getAndReplace(key, value));
            break;
          case REPLACE:
            response.setFlag(group.replace(key, value));
            break;
          default:
            throw new IllegalStateException("unchecked replace mode " + request.getMode());
        }
      }, out(observer));
    });
  }

  @Override
  @SuppressWarnings("unchecked")
  public void invoke(InvokeRequest request, StreamObserver<ValueResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      handle(request.getHeader(), List.of(request.getKey()), ValueResponse.newBuilder(), (group, decoded, response) -> {
        EntryProcessor<Object, Object, Object> processor = (EntryProcessor<Object, Object, Object>) decode(request.getProcessor());
        value(response, group.invoke(decoded.get(0), processor, arguments(request.getArgumentsList())));
      }, out(observer));
    });
  }

  private Object[] arguments(List<ByteString> encoded) {
    Object[] arguments = new Object[encoded.size()];
    for (int i = 0; i < arguments.length; i++) {
      arguments[i] = decode(encoded.get(i));
    }
    return arguments;
  }

  @Override
  public void getAll(KeysRequest request, StreamObserver<EntriesResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      handle(request.getHeader(), request.getKeysList(), EntriesResponse.newBuilder(), (group, decoded, response) -> {
        for (Map.Entry<Object, Object> entry : group.getAll(new LinkedHashSet<>(decoded)).entrySet()) {
          response.addEntries(Entry.newBuilder().setKey(encode(entry.getKey())).setValue(encode(entry.getValue())));
        }
      }, out(observer));
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
      handle(request.getHeader(), keys, DoneResponse.newBuilder(), (group, decoded, response) -> {
        Map<Object, Object> entries = new LinkedHashMap<>();
        for (int i = 0; i < decoded.size(); i++) {
          entries.put(decoded.get(i), decode(request.getEntries(i).getValue()));
        }
        group.putAll(entries);
      }, out(observer));
    });
  }

  @Override
  public void removeAll(KeysRequest request, StreamObserver<DoneResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      handle(request.getHeader(), request.getKeysList(), DoneResponse.newBuilder(),
          (group, decoded, response) -> group.removeAll(new LinkedHashSet<>(decoded)), out(observer));
    });
  }

  @Override
  @SuppressWarnings("unchecked")
  public void invokeAll(InvokeAllRequest request, StreamObserver<InvokeAllResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      handle(request.getHeader(), request.getKeysList(), InvokeAllResponse.newBuilder(), (group, decoded, response) -> {
        EntryProcessor<Object, Object, Object> processor = (EntryProcessor<Object, Object, Object>) decode(request.getProcessor());
        Map<Object, EntryProcessorResult<Object>> results =
            group.invokeAll(new LinkedHashSet<>(decoded), processor, arguments(request.getArgumentsList()));
        for (Map.Entry<Object, EntryProcessorResult<Object>> entry : results.entrySet()) {
          InvokeAllResponse.Result.Builder result = InvokeAllResponse.Result.newBuilder().setKey(encode(entry.getKey()));
          try {
            Object value = entry.getValue().get();
            if (value != null) {
              result.setValue(encode(value));
            }
          } catch (RuntimeException e) {
            result.setError(RemoteErrors.toProto(e));
          }
          response.addResults(result);
        }
      }, out(observer));
    });
  }

  @Override
  public void loadAll(LoadAllRequest request, StreamObserver<DoneResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      handle(request.getHeader(), request.getKeysList(), DoneResponse.newBuilder(),
          (group, decoded, response) -> group.loadAll(new LinkedHashSet<>(decoded), request.getReplaceExisting()), out(observer));
    });
  }

  @Override
  public void clear(CacheRequest request, StreamObserver<DoneResponse> observer) {
    if (!CallDispatch.valid(() -> checks.header(request.getHeader(), true), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      // A clear changes no entry one by one, so no owner invalidates: every member drops its copies.
      invalidateNear(request.getHeader().getCache());
      handle(request.getHeader(), List.of(), DoneResponse.newBuilder(), (group, decoded, response) -> group.clear(), out(observer));
    });
  }

  private void invalidateNear(String cache) {
    NearCache<Object> near = node.nearCache(cache);
    if (near != null) {
      near.invalidateAll();
    }
  }

  @Override
  public void removeEverything(CacheRequest request, StreamObserver<DoneResponse> observer) {
    if (!CallDispatch.valid(() -> checks.header(request.getHeader(), true), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      handle(request.getHeader(), List.of(), DoneResponse.newBuilder(), (group, decoded, response) -> group.removeAll(), out(observer));
    });
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
    KeyPages pages = new KeyPages((ServerCallStreamObserver<KeysResponse>) observer, this::encode);
    calls.dispatch(false, observer, () -> {
      List<Object> all = new ArrayList<>();
      KeysResponse.Builder failure = KeysResponse.newBuilder();
      handle(request.getHeader(), List.of(), failure, (group, decoded, response) -> all.addAll(group.keys()),
          new StreamObserver<>() {
            @Override public void onNext(com.google.protobuf.Message message) {
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
}
