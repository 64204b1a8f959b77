package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kamacache.group.Group;
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
import io.kamacache.proto.v1.LockRequest;
import io.kamacache.proto.v1.LockResponse;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.proto.v1.PutAllRequest;
import io.kamacache.proto.v1.PutRequest;
import io.kamacache.proto.v1.RemoveRequest;
import io.kamacache.proto.v1.ReplaceRequest;
import io.kamacache.proto.v1.SizeResponse;
import io.kamacache.proto.v1.StreamedRequest;
import io.kamacache.proto.v1.StreamedResponse;
import io.kamacache.proto.v1.SyncRequest;
import io.kamacache.proto.v1.SyncResponse;
import io.kamacache.proto.v1.UnlockRequest;
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
  /** The write streams callers have open here, and the backup streams owners have. */
  private final CallStreams writeStreams;
  private final CallStreams backupStreams;
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
  /** Lock and Unlock, for entry processors that run on their callers. */
  private volatile LockCalls lockCalls;
  /** Get and the batches of get streams. */
  private volatile GetAnswers gets;
  /** Put, Remove, Replace and Invoke, as calls and on write streams. */
  private volatile WriteAnswers writes;

  /**
   * The server calls us on its transport threads. Reads that can only run JSR-107's own code stay
   * there, which saves a thread hop per call; everything that may block (loaders, writers,
   * listeners, etcd) or decode what a caller serialized moves to a bounded pool: {@code callers}
   * for cache operations, {@code members} for what only members send, so that a flood of the
   * first never starves the backups and barriers that keep the cluster consistent.
   */
  PeerService(ClusterConfig config, ClusterMetrics metrics, Executor callers, Executor members) {
    this.metrics = metrics;
    this.writeStreams = new CallStreams(this::writeRequest, config.maxMessageBytes);
    this.backupStreams = new CallStreams(this::backupRequest, config.maxMessageBytes);
    this.checks = new RequestChecks(config.maxKeyBytes);
    this.callers = callers;
    this.members = members;
  }

  /** Gives this service the parts that answer; {@code refreshViews} re-reads what peers ask us to. */
  void answerWith(Peers peers, LocalCaches caches, Ownership ownership, Barrier barrier, Rebalancer rebalancer,
      KeyLocks keyLocks, Runnable refreshViews) {
    CallDispatch dispatch = new CallDispatch(peers, callers, members);
    this.memberCalls = new MemberCalls(peers, caches, barrier, dispatch, checks);
    this.refreshes = new Coalesced(refreshViews);
    this.requests = new OwnerRequests(peers, caches, ownership, rebalancer);
    this.lockCalls = new LockCalls(requests, dispatch, checks, keyLocks);
    this.gets = new GetAnswers(checks, dispatch, requests, metrics);
    this.writes = new WriteAnswers(checks, dispatch, requests);
    this.caches = caches;
    this.calls = dispatch;
  }

  /** Gives this service what answers operators; after {@link #answerWith}, before anyone calls. */
  void answerAdminWith(Peers peers, String address, CacheHost host, Lifecycle lifecycle) {
    this.admin = new AdminCalls(peers, address, host, lifecycle, metrics, calls, checks);
  }

  @Override
  public void get(KeyRequest request, StreamObserver<ValueResponse> observer) {
    gets.get(request, observer);
  }

  /** The get streams callers have open here, ended when this member closes. */
  private final BatchStreams batchStreams = new BatchStreams((request, observer) -> gets.batch(request, observer));

  @Override
  public StreamObserver<KeysRequest> getBatches(StreamObserver<ValuesResponse> observer) {
    return batchStreams.open(observer);
  }

  /** A request on a write stream, run as its call would be. */
  private void writeRequest(StreamedRequest request, StreamObserver<Message> answer) {
    switch (request.getRequestCase()) {
      case PUT -> served("Put", () -> writes.put(request.getPut(), out(answer)));
      case REMOVE -> served("Remove", () -> writes.remove(request.getRemove(), out(answer)));
      case REPLACE -> served("Replace", () -> writes.replace(request.getReplace(), out(answer)));
      case INVOKE -> served("Invoke", () -> writes.invoke(request.getInvoke(), out(answer)));
      default -> answer.onError(Status.INVALID_ARGUMENT.withDescription("Writes does not carry "
          + request.getRequestCase()).asRuntimeException());
    }
  }

  /** A request on a backup stream. */
  private void backupRequest(StreamedRequest request, StreamObserver<Message> answer) {
    if (request.getRequestCase() == StreamedRequest.RequestCase.BACKUP) {
      served("Backup", () -> memberCalls.backup(request.getBackup(), out(answer)));
    } else {
      answer.onError(Status.INVALID_ARGUMENT.withDescription("Backups does not carry "
          + request.getRequestCase()).asRuntimeException());
    }
  }

  /** Counts a streamed request as the call it stands for, as the server counts calls. */
  private void served(String method, Runnable call) {
    metrics.callServed(method);
    call.run();
  }

  @SuppressWarnings("unchecked")
  private static <T> StreamObserver<T> out(StreamObserver<Message> answer) {
    return (StreamObserver<T>) (StreamObserver<?>) answer;
  }

  @Override
  public StreamObserver<StreamedRequest> writes(StreamObserver<StreamedResponse> observer) {
    return writeStreams.open(observer);
  }

  @Override
  public StreamObserver<StreamedRequest> backups(StreamObserver<StreamedResponse> observer) {
    return backupStreams.open(observer);
  }

  /**
   * Ends the callers' get and write streams, so that the server can stop without waiting for them;
   * write streams end once they have answered what they read.
   */
  void endBatchStreams() {
    batchStreams.endAll();
    writeStreams.endAll();
    backupStreams.endAll();
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
    writes.put(request, observer);
  }

  @Override
  public void remove(RemoveRequest request, StreamObserver<ValueResponse> observer) {
    writes.remove(request, observer);
  }

  @Override
  public void replace(ReplaceRequest request, StreamObserver<ValueResponse> observer) {
    writes.replace(request, observer);
  }

  @Override
  public void invoke(InvokeRequest request, StreamObserver<ValueResponse> observer) {
    writes.invoke(request, observer);
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
            group.invokeAll(new LinkedHashSet<>(decoded), processor, requests.decodeAll(request.getArgumentsList()));
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

  // ---- key locks for entry processors that run on their callers: see LockCalls

  @Override
  public void lock(LockRequest request, StreamObserver<LockResponse> observer) {
    lockCalls.lock(request, observer);
  }

  @Override
  public void unlock(UnlockRequest request, StreamObserver<ValueResponse> observer) {
    lockCalls.unlock(request, observer);
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
