package io.kamacache.transport;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.kamacache.proto.v1.CacheRequest;
import io.kamacache.proto.v1.CachesResponse;
import io.kamacache.proto.v1.DrainResponse;
import io.kamacache.proto.v1.MembersResponse;
import io.kamacache.proto.v1.StatsResponse;
import io.kamacache.proto.v1.CopyRequest;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.EntriesResponse;
import io.kamacache.proto.v1.EventsRequest;
import io.kamacache.proto.v1.FlagResponse;
import io.kamacache.proto.v1.InvokeAllRequest;
import io.kamacache.proto.v1.InvokeAllResponse;
import io.kamacache.proto.v1.InvokeRequest;
import io.kamacache.proto.v1.KeyRequest;
import io.kamacache.proto.v1.KeysRequest;
import io.kamacache.proto.v1.KeysResponse;
import io.kamacache.proto.v1.LockRequest;
import io.kamacache.proto.v1.LockResponse;
import io.kamacache.proto.v1.LoadAllRequest;
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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The peer calls a caller waits for: the blocking stub's methods and failures, but each answer is
 * handed over by the transport thread that read it, and waited for by {@link Awaiting}, which
 * spins briefly before it parks. GetBatches and Invalidate are not here: they are sent without
 * waiting.
 */
public final class PeerCalls {

  /** The peer methods, in the service's own order: a call's kind, for {@link Awaiting}, is its place here. */
  private static final List<String> METHODS = methods();
  /** How many kinds of call {@link Awaiting} keeps averages for: one per peer method. */
  public static final int KINDS = METHODS.size();
  /** The kind of {@link #get}, which batched gets also wait under. */
  public static final int GET = kind(PeerGrpc.getGetMethod());

  private static List<String> methods() {
    List<String> names = new ArrayList<>();
    for (MethodDescriptor<?, ?> method : PeerGrpc.getServiceDescriptor().getMethods()) {
      names.add(method.getFullMethodName());
    }
    return List.copyOf(names);
  }

  private static int kind(MethodDescriptor<?, ?> method) {
    return METHODS.indexOf(method.getFullMethodName());
  }

  private static final int CONTAINS_KEY = kind(PeerGrpc.getContainsKeyMethod());
  private static final int PUT = kind(PeerGrpc.getPutMethod());
  private static final int REMOVE = kind(PeerGrpc.getRemoveMethod());
  private static final int REPLACE = kind(PeerGrpc.getReplaceMethod());
  private static final int INVOKE = kind(PeerGrpc.getInvokeMethod());
  private static final int GET_ALL = kind(PeerGrpc.getGetAllMethod());
  private static final int PUT_ALL = kind(PeerGrpc.getPutAllMethod());
  private static final int REMOVE_ALL = kind(PeerGrpc.getRemoveAllMethod());
  private static final int INVOKE_ALL = kind(PeerGrpc.getInvokeAllMethod());
  private static final int LOAD_ALL = kind(PeerGrpc.getLoadAllMethod());
  private static final int CLEAR = kind(PeerGrpc.getClearMethod());
  private static final int SIZE = kind(PeerGrpc.getSizeMethod());
  private static final int REMOVE_EVERYTHING = kind(PeerGrpc.getRemoveEverythingMethod());
  private static final int BACKUP = kind(PeerGrpc.getBackupMethod());
  private static final int HANDOFF = kind(PeerGrpc.getHandoffMethod());
  private static final int SYNC = kind(PeerGrpc.getSyncMethod());
  private static final int EVENTS = kind(PeerGrpc.getEventsMethod());
  private static final int REFRESH = kind(PeerGrpc.getRefreshMethod());
  // ---- admin (issue 14)
  private static final int MEMBERS = kind(PeerGrpc.getMembersMethod());
  private static final int CACHES = kind(PeerGrpc.getCachesMethod());
  private static final int STATS = kind(PeerGrpc.getStatsMethod());
  private static final int DRAIN = kind(PeerGrpc.getDrainMethod());
  private static final int LOCK = kind(PeerGrpc.getLockMethod());
  private static final int UNLOCK = kind(PeerGrpc.getUnlockMethod());

  private final PeerGrpc.PeerFutureStub stub;
  private final Awaiting awaiting;
  /** Carries put, remove, replace and invoke when not null; see {@link CallStream}. */
  private final CallStream writes;
  /** Carries a write's backups when not null. */
  private final CallStream backups;

  /** @param stub with its deadline set; its answers are taken on the transport thread */
  public PeerCalls(PeerGrpc.PeerFutureStub stub, Awaiting awaiting) {
    this(stub, awaiting, null, null);
  }

  /**
   * Calls whose writes travel on {@code writes} and whose {@link #backupOfWrite} travels on
   * {@code backups}, each under the stub's deadline; the rest are calls of their own.
   */
  public PeerCalls(PeerGrpc.PeerFutureStub stub, Awaiting awaiting, CallStream writes, CallStream backups) {
    this.stub = stub.withExecutor(MoreExecutors.directExecutor());
    this.awaiting = awaiting;
    this.writes = writes;
    this.backups = backups;
  }

  /** Sends a request on {@code stream} under this stub's deadline, failing as the call would once it has passed. */
  private <T> ListenableFuture<T> streamed(CallStream stream, String method, StreamedRequest.Builder request,
      Function<StreamedResponse, T> answer) {
    Deadline deadline = stub.getCallOptions().getDeadline();
    long remaining = deadline == null ? Long.MAX_VALUE : deadline.timeRemaining(TimeUnit.NANOSECONDS);
    if (remaining <= 0) {
      return Futures.immediateFailedFuture(Status.DEADLINE_EXCEEDED
          .withDescription("the deadline passed before the request was sent").asRuntimeException());
    }
    return stream.call(method, request, remaining, answer);
  }

  private static ValueResponse value(StreamedResponse response) {
    if (response.getResponseCase() != StreamedResponse.ResponseCase.VALUE) {
      throw new IllegalStateException("a value was expected, not " + response.getResponseCase());
    }
    return response.getValue();
  }

  private static DoneResponse done(StreamedResponse response) {
    if (response.getResponseCase() != StreamedResponse.ResponseCase.DONE) {
      throw new IllegalStateException("a done answer was expected, not " + response.getResponseCase());
    }
    return response.getDone();
  }

  public ValueResponse get(KeyRequest request) {
    return awaiting.await(stub.get(request), GET);
  }

  public FlagResponse containsKey(KeyRequest request) {
    return awaiting.await(stub.containsKey(request), CONTAINS_KEY);
  }

  public ValueResponse put(PutRequest request) {
    return awaiting.await(writes == null || !writes.carries(request.getSerializedSize()) ? stub.put(request)
        : streamed(writes, "Put", StreamedRequest.newBuilder().setPut(request), PeerCalls::value), PUT);
  }

  public ValueResponse remove(RemoveRequest request) {
    return awaiting.await(writes == null || !writes.carries(request.getSerializedSize()) ? stub.remove(request)
        : streamed(writes, "Remove", StreamedRequest.newBuilder().setRemove(request), PeerCalls::value), REMOVE);
  }

  public ValueResponse replace(ReplaceRequest request) {
    return awaiting.await(writes == null || !writes.carries(request.getSerializedSize()) ? stub.replace(request)
        : streamed(writes, "Replace", StreamedRequest.newBuilder().setReplace(request), PeerCalls::value), REPLACE);
  }

  public ValueResponse invoke(InvokeRequest request) {
    return awaiting.await(writes == null || !writes.carries(request.getSerializedSize()) ? stub.invoke(request)
        : streamed(writes, "Invoke", StreamedRequest.newBuilder().setInvoke(request), PeerCalls::value), INVOKE);
  }

  public EntriesResponse getAll(KeysRequest request) {
    return awaiting.await(stub.getAll(request), GET_ALL);
  }

  /** A call sent and not yet waited for: a bulk write sends one to each owner before it waits for any. */
  @FunctionalInterface
  public interface Sent<T> {
    /** The answer, or its failure as the {@link io.grpc.StatusRuntimeException} a blocking stub throws. */
    T await();
  }

  public Sent<DoneResponse> sendPutAll(PutAllRequest request) {
    ListenableFuture<DoneResponse> answer = stub.putAll(request);
    return () -> awaiting.await(answer, PUT_ALL);
  }

  public Sent<DoneResponse> sendRemoveAll(KeysRequest request) {
    ListenableFuture<DoneResponse> answer = stub.removeAll(request);
    return () -> awaiting.await(answer, REMOVE_ALL);
  }

  public InvokeAllResponse invokeAll(InvokeAllRequest request) {
    return awaiting.await(stub.invokeAll(request), INVOKE_ALL);
  }

  public DoneResponse loadAll(LoadAllRequest request) {
    return awaiting.await(stub.loadAll(request), LOAD_ALL);
  }

  public DoneResponse clear(CacheRequest request) {
    return awaiting.await(stub.clear(request), CLEAR);
  }

  public SizeResponse size(CacheRequest request) {
    return awaiting.await(stub.size(request), SIZE);
  }

  public DoneResponse removeEverything(CacheRequest request) {
    return awaiting.await(stub.removeEverything(request), REMOVE_EVERYTHING);
  }

  /**
   * A member's keys, which it sends in pages as the caller reads them, merged into one answer; an
   * answer with an error has no keys.
   */
  public KeysResponse keys(CacheRequest request) {
    KeysResponse.Builder merged = KeysResponse.newBuilder();
    Iterator<KeysResponse> pages = PeerGrpc.newBlockingStub(stub.getChannel())
        .withDeadline(stub.getCallOptions().getDeadline()).keys(request);
    while (pages.hasNext()) {
      KeysResponse page = pages.next();
      if (page.hasError()) {
        return page;
      }
      merged.addAllKeys(page.getKeysList());
    }
    return merged.build();
  }

  public DoneResponse backup(CopyRequest request) {
    return awaiting.await(stub.backup(request), BACKUP);
  }

  /**
   * The backup of one write: on the backups stream when there is one. Copies in bulk go as calls
   * of their own ({@link #backup}), so that a large batch never holds up a write's backup behind it.
   */
  public DoneResponse backupOfWrite(CopyRequest request) {
    return awaiting.await(backups == null || !backups.carries(request.getSerializedSize()) ? stub.backup(request)
        : streamed(backups, "Backup", StreamedRequest.newBuilder().setBackup(request), PeerCalls::done), BACKUP);
  }

  public DoneResponse handoff(CopyRequest request) {
    return awaiting.await(stub.handoff(request), HANDOFF);
  }

  public SyncResponse sync(SyncRequest request) {
    return awaiting.await(stub.sync(request), SYNC);
  }

  public DoneResponse events(EventsRequest request) {
    return awaiting.await(stub.events(request), EVENTS);
  }

  public DoneResponse refresh(CacheRequest request) {
    return awaiting.await(stub.refresh(request), REFRESH);
  }

  // ---- admin (issue 14)

  public MembersResponse members(CacheRequest request) {
    return awaiting.await(stub.members(request), MEMBERS);
  }

  public CachesResponse caches(CacheRequest request) {
    return awaiting.await(stub.caches(request), CACHES);
  }

  public StatsResponse stats(CacheRequest request) {
    return awaiting.await(stub.stats(request), STATS);
  }

  public DrainResponse drain(CacheRequest request) {
    return awaiting.await(stub.drain(request), DRAIN);
  }

  public LockResponse lock(LockRequest request) {
    return awaiting.await(stub.lock(request), LOCK);
  }

  public ValueResponse unlock(UnlockRequest request) {
    return awaiting.await(stub.unlock(request), UNLOCK);
  }
}
