package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kamacache.codec.WireCodec;
import io.kamacache.group.Copies;
import io.kamacache.group.Group;
import io.kamacache.group.Replication;
import io.kamacache.management.CacheStatistics;
import io.kamacache.proto.v1.CacheRequest;
import io.kamacache.proto.v1.Copy;
import io.kamacache.proto.v1.CopyRequest;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.EntriesResponse;
import io.kamacache.proto.v1.Entry;
import io.kamacache.proto.v1.Error;
import io.kamacache.proto.v1.Event;
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
import io.kamacache.transport.PeerIdentity;
import io.kamacache.transport.RemoteErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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

  /**
   * Methods that change another member's state without going through ownership, or that only
   * members send: clients may not call them, and members only while in the current ring.
   */
  static final Set<String> MEMBER_ONLY = Set.of("Backup", "Handoff", "Sync", "Events", "Invalidate");

  private final ClusterNode node;
  private final Executor callers;
  private final Executor members;
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
    this.callers = callers;
    this.members = members;
    this.checks = new RequestChecks(node.config().maxKeyBytes);
    this.refreshes = new Coalesced(node::refreshViews);
  }

  private void dispatch(boolean inline, StreamObserver<?> observer, Runnable work) {
    dispatch(callers, inline, observer, work);
  }

  /**
   * Runs {@code work} here or on {@code pool}, in the call's context (its deadline, its caller's
   * identity). A full pool refuses at once with RESOURCE_EXHAUSTED rather than queueing without
   * end, and a call whose caller has given up by the time a thread is free is dropped unrun.
   */
  private void dispatch(Executor pool, boolean inline, StreamObserver<?> observer, Runnable work) {
    if (inline) {
      work.run();
      return;
    }
    Context context = Context.current();
    try {
      pool.execute(context.wrap(() -> {
        if (!context.isCancelled()) {
          work.run();
        }
      }));
    } catch (RejectedExecutionException e) {
      observer.onError(Status.RESOURCE_EXHAUSTED.withDescription("member " + node.memberId() + " has every thread"
          + " busy and its queue full (" + ClusterConfig.SERVER_THREADS + ", " + ClusterConfig.SERVER_QUEUE
          + "); the call was not run").asRuntimeException());
    }
  }

  /** Whether the request passes {@link RequestChecks}; if not, the caller has its INVALID_ARGUMENT. */
  private static boolean valid(Runnable check, StreamObserver<?> observer) {
    try {
      check.run();
      return true;
    } catch (StatusRuntimeException e) {
      observer.onError(e);
      return false;
    }
  }

  /**
   * Whether the caller is a member in this member's current ring under the id it proved, and
   * sends under that id; if not, the caller has its PERMISSION_DENIED. Call it once caught up with
   * the caller's epoch, since a member that just joined is not in an older ring.
   */
  private boolean fromMember(Header header, StreamObserver<?> observer) {
    PeerIdentity identity = PeerIdentity.CURRENT.get();
    String refusal = null;
    if (identity == null || identity.role() != PeerIdentity.Role.MEMBER) {
      refusal = "only members may call this";
    } else if (!header.getSender().isEmpty() && !header.getSender().equals(identity.id())) {
      refusal = identity + " sent a request as '" + header.getSender() + "'";
    } else if (!node.ring().members().containsKey(identity.id())) {
      refusal = identity + " is not in the current ring of member " + node.memberId() + " (epoch " + node.epoch() + ")";
    }
    if (refusal == null) {
      return true;
    }
    observer.onError(Status.PERMISSION_DENIED.withDescription(refusal).asRuntimeException());
    return false;
  }

  /** Catches up with the caller's view, waiting at most half its remaining time. */
  private void catchUpWith(Header header) {
    Deadline deadline = Context.current().getDeadline();
    long wait = deadline == null ? node.config().timeout.toMillis()
        : Math.max(1, deadline.timeRemaining(TimeUnit.MILLISECONDS) / 2);
    node.catchUp(header.getEpoch(), wait);
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
            setField(response, "stats", Stats.newBuilder().setHits(capture.hits()).setMisses(capture.misses())
                .setPuts(capture.puts()).setRemovals(capture.removals()).build());
          }
        }
        return null;
      });
    } catch (Refused refused) {
      setField(response, "error", refused.error);
    } catch (Ownership.Refused refused) {
      setField(response, "error", RemoteErrors.notOwner(refused.epoch, refused.getMessage()));
    } catch (Replication.Refused refused) {
      setField(response, "error", RemoteErrors.notOwner(node.epoch(), refused.getMessage()));
    } catch (Throwable t) {
      setField(response, "error", RemoteErrors.toProto(t));
    }
    if (busy != null && busy[0]) {
      return;
    }
    observer.onNext(response.build());
    observer.onCompleted();
  }

  private static void setField(com.google.protobuf.Message.Builder builder, String name, Object value) {
    com.google.protobuf.Descriptors.FieldDescriptor field = builder.getDescriptorForType().findFieldByName(name);
    if (field != null) {
      builder.setField(field, value);
    }
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
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    // A near get reads the entry's time to live under its lock, so it never runs inline.
    boolean inline = !request.getNear() && !request.getPeek() && inlineRead(request.getHeader(), request.getKey());
    dispatch(inline, observer, () -> {
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
        dispatch(false, observer, () -> handle(request.getHeader(), List.of(request.getKey()), ValueResponse.newBuilder(),
            (group, decoded, response) -> value(response, group.get(decoded.get(0))), out(observer)));
      }
    });
  }

  /** Answers one batch of a get stream: each key as its own get, see {@link BatchStreams}. */
  private void answerMany(KeysRequest request, StreamObserver<ValuesResponse> observer) {
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    boolean inline = true;
    for (ByteString key : request.getKeysList()) {
      inline &= inlineRead(request.getHeader(), key);
    }
    boolean onTransport = inline;
    dispatch(inline, observer, () -> answerMany(request, observer, onTransport));
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
      dispatch(false, observer, () -> answerMany(request, observer, false));
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
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    // It reads under the key's lock, which a writer may hold across a backup's round trip.
    dispatch(false, observer, () -> {
      handle(request.getHeader(), List.of(request.getKey()), FlagResponse.newBuilder(),
          (group, decoded, response) -> response.setFlag(group.containsKey(decoded.get(0))), out(observer));
    });
  }

  @Override
  public void put(PutRequest request, StreamObserver<ValueResponse> observer) {
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    dispatch(false, observer, () -> {
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
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    dispatch(false, observer, () -> {
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
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    dispatch(false, observer, () -> {
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
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    dispatch(false, observer, () -> {
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
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    dispatch(false, observer, () -> {
      handle(request.getHeader(), request.getKeysList(), EntriesResponse.newBuilder(), (group, decoded, response) -> {
        for (Map.Entry<Object, Object> entry : group.getAll(new LinkedHashSet<>(decoded)).entrySet()) {
          response.addEntries(Entry.newBuilder().setKey(encode(entry.getKey())).setValue(encode(entry.getValue())));
        }
      }, out(observer));
    });
  }

  @Override
  public void putAll(PutAllRequest request, StreamObserver<DoneResponse> observer) {
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    dispatch(false, observer, () -> {
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
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    dispatch(false, observer, () -> {
      handle(request.getHeader(), request.getKeysList(), DoneResponse.newBuilder(),
          (group, decoded, response) -> group.removeAll(new LinkedHashSet<>(decoded)), out(observer));
    });
  }

  @Override
  @SuppressWarnings("unchecked")
  public void invokeAll(InvokeAllRequest request, StreamObserver<InvokeAllResponse> observer) {
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    dispatch(false, observer, () -> {
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
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    dispatch(false, observer, () -> {
      handle(request.getHeader(), request.getKeysList(), DoneResponse.newBuilder(),
          (group, decoded, response) -> group.loadAll(new LinkedHashSet<>(decoded), request.getReplaceExisting()), out(observer));
    });
  }

  @Override
  public void clear(CacheRequest request, StreamObserver<DoneResponse> observer) {
    if (!valid(() -> checks.header(request.getHeader(), true), observer)) {
      return;
    }
    dispatch(false, observer, () -> {
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
  public void invalidate(KeysRequest request, StreamObserver<DoneResponse> observer) {
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    dispatch(members, false, observer, () -> {
      catchUpWith(request.getHeader());
      if (!fromMember(request.getHeader(), observer)) {
        return;
      }
      DoneResponse.Builder response = DoneResponse.newBuilder();
      try {
        NearCache<Object> near = node.nearCache(request.getHeader().getCache());
        if (near != null && request.getKeysCount() == 0) {
          near.invalidateAll(); // the owner's queue overflowed
        } else if (near != null) {
          for (ByteString key : request.getKeysList()) {
            near.invalidate(decode(key));
          }
        }
      } catch (Throwable t) {
        response.setError(RemoteErrors.toProto(t));
      }
      observer.onNext(response.build());
      observer.onCompleted();
    });
  }

  @Override
  public void removeEverything(CacheRequest request, StreamObserver<DoneResponse> observer) {
    if (!valid(() -> checks.header(request.getHeader(), true), observer)) {
      return;
    }
    dispatch(false, observer, () -> {
      handle(request.getHeader(), List.of(), DoneResponse.newBuilder(), (group, decoded, response) -> group.removeAll(), out(observer));
    });
  }

  /**
   * Copies are not cache operations: no statistics, no events. They are taken only from a member
   * in this member's current ring. A backup for a key this member owns in its view is refused,
   * since its sender can no longer be the owner; a handoff is taken only for keys this member owns,
   * or, from a member that is leaving, keys it will own once that member is gone; and only if it is
   * newer than what is here. A member that is not open takes neither.
   */
  private void copies(CopyRequest request, StreamObserver<DoneResponse> observer, boolean handoff) {
    catchUpWith(request.getHeader()); // behind still, it refuses what it owns
    if (!fromMember(request.getHeader(), observer)) {
      return;
    }
    DoneResponse.Builder response = DoneResponse.newBuilder();
    try {
      // A leaving member still keeps backups until it is out of the ring: its owners' writes must
      // not wait for it. It takes no handoffs, which it would only have to hand on.
      Group<Object, Object> group = node.isOpen() ? node.group(request.getHeader().getCache())
          : handoff ? null : node.localGroup(request.getHeader().getCache());
      if (group == null && !node.isOpen()) {
        response.setError(RemoteErrors.notOwner(node.epoch(), "not open: joining or leaving"));
      } else if (group == null) {
        response.setError(RemoteErrors.unknownCache(request.getHeader().getCache()));
      } else {
        HashRing ring = node.ring();
        HashRing afterLeaving = handoff && request.getLeaving() ? without(ring, request.getHeader().getSender()) : null;
        for (Copy copy : request.getCopiesList()) {
          byte[] keyBytes = copy.getKey().toByteArray();
          boolean mine = isMine(ring, keyBytes);
          boolean accepted = handoff ? mine || (afterLeaving != null && isMine(afterLeaving, keyBytes)) : !mine;
          if (!accepted) {
            response.addRefusedKeys(copy.getKey());
            continue;
          }
          Object key = decode(copy.getKey());
          Object value = copy.hasValue() ? decode(copy.getValue()) : null;
          if (handoff) {
            group.copies().applyHandoff(key, value, copy.getTtlNanos(), copy.getVersion());
          } else {
            group.copies().applyBackup(key, value, copy.getTtlNanos(), copy.getVersion());
          }
        }
      }
    } catch (Throwable t) {
      response.setError(RemoteErrors.toProto(t));
    }
    observer.onNext(response.build());
    observer.onCompleted();
  }

  private boolean isMine(HashRing ring, byte[] keyBytes) {
    HashRing.Member owner = ring.owner(keyBytes);
    return owner != null && owner.id().equals(node.memberId());
  }

  /** The ring once {@code leaving} is gone: where a leaving member's keys go. */
  private HashRing without(HashRing ring, String leaving) {
    List<HashRing.Member> staying = new ArrayList<>(ring.members().values());
    staying.removeIf(member -> member.id().equals(leaving));
    return new HashRing(ring.epoch(), staying, node.config().virtualNodes);
  }

  @Override
  public void backup(CopyRequest request, StreamObserver<DoneResponse> observer) {
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    // Applying a backup only decodes and stores, so it runs on the transport thread, which saves
    // the owner (waiting for it under the key's lock) a thread hop and a wake-up here. Only a
    // member in the ring gets this far (the authentication refused everyone else), so decoding
    // its values here is no more exposed than running its writes. A cache not open here yet may
    // need its definition read from etcd, and a sender ahead of our view makes us read the
    // members first: both block, and a blocked transport thread stalls every call on it (lease
    // keepalives were answered seconds late that way), so those go to a handler.
    dispatch(members, node.isOpen() && request.getHeader().getEpoch() <= node.epoch()
        && node.localGroup(request.getHeader().getCache()) != null, observer, () -> copies(request, observer, false));
  }

  @Override
  public void handoff(CopyRequest request, StreamObserver<DoneResponse> observer) {
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    dispatch(members, false, observer, () -> copies(request, observer, true));
  }

  @Override
  public void events(EventsRequest request, StreamObserver<DoneResponse> observer) {
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    dispatch(members, false, observer, () -> {
      catchUpWith(request.getHeader());
      if (!fromMember(request.getHeader(), observer)) {
        return;
      }
      DoneResponse.Builder response = DoneResponse.newBuilder();
      try {
        Group<Object, Object> group = node.localGroup(request.getHeader().getCache());
        if (group != null) {
          for (Event event : request.getEventsList()) {
            Object key = decode(event.getKey());
            Object value = event.hasValue() ? group.copies().toStored(decode(event.getValue())) : null;
            Object old = event.hasOldValue() ? group.copies().toStored(decode(event.getOldValue())) : null;
            group.events().publishForwarded(javax.cache.event.EventType.valueOf(event.getType().name()), key, value, old);
          }
          if (request.getSynchronous()) {
            // The owner's caller returns only after our synchronous listeners have run.
            io.kamacache.event.EventDispatcher.awaitSynchronous();
          }
        }
      } catch (Throwable t) {
        response.setError(RemoteErrors.toProto(t));
      }
      observer.onNext(response.build());
      observer.onCompleted();
    });
  }

  /**
   * Re-reads the definitions and listeners from etcd. Calls that come together share one re-read
   * that starts after they came, so a flood of them costs etcd one read at a time, not one each.
   */
  @Override
  public void refresh(CacheRequest request, StreamObserver<DoneResponse> observer) {
    if (!valid(() -> checks.header(request.getHeader(), false), observer)) {
      return;
    }
    dispatch(false, observer, () -> {
      refreshes.run();
      observer.onNext(DoneResponse.getDefaultInstance());
      observer.onCompleted();
    });
  }

  @Override
  public void sync(SyncRequest request, StreamObserver<SyncResponse> observer) {
    if (!valid(() -> checks.check(request), observer)) {
      return;
    }
    dispatch(members, false, observer, () -> {
      catchUpWith(request.getHeader());
      if (!fromMember(request.getHeader(), observer)) {
        return;
      }
      SyncResponse response;
      try {
        response = node.barrier().answer(request);
      } catch (Throwable t) {
        response = SyncResponse.newBuilder().setError(RemoteErrors.toProto(t)).build();
      }
      observer.onNext(response);
      observer.onCompleted();
    });
  }

  /**
   * The keys this member holds, in pages of at most {@link #KEYS_PAGE}, each sent only when the
   * caller is ready for it: a caller that stops reading holds one page here, not every key.
   */
  @Override
  public void keys(CacheRequest request, StreamObserver<KeysResponse> observer) {
    if (!valid(() -> checks.header(request.getHeader(), true), observer)) {
      return;
    }
    KeyPages pages = new KeyPages((ServerCallStreamObserver<KeysResponse>) observer);
    dispatch(false, observer, () -> {
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

  /** Keys per page: small enough that a page is far below any message limit for ordinary keys. */
  static final int KEYS_PAGE = 1000;

  /** Sends one member's keys page by page, as the caller's flow control allows. */
  private final class KeyPages implements Runnable {
    private final ServerCallStreamObserver<KeysResponse> pages;
    private List<Object> keys;
    private int next;
    private boolean done;

    /** Called while the call starts: gRPC takes its handlers only then. */
    KeyPages(ServerCallStreamObserver<KeysResponse> pages) {
      this.pages = pages;
      pages.setOnReadyHandler(this);
      pages.setOnCancelHandler(() -> {
        synchronized (this) {
          done = true;
        }
      });
    }

    /** Starts sending {@code keys}, or, when null, sends {@code failure} alone. */
    synchronized void send(List<Object> keys, KeysResponse failure) {
      if (keys == null) {
        done = true;
        pages.onNext(failure);
        pages.onCompleted();
        return;
      }
      this.keys = keys;
      run();
    }

    @Override
    public synchronized void run() {
      while (keys != null && !done && pages.isReady()) {
        KeysResponse.Builder page = KeysResponse.newBuilder();
        int end = Math.min(keys.size(), next + KEYS_PAGE);
        for (; next < end; next++) {
          page.addKeys(encode(keys.get(next)));
        }
        pages.onNext(page.build());
        if (next >= keys.size()) {
          done = true;
          pages.onCompleted();
        }
      }
    }
  }
}
