package io.kamacache.transport;

import io.kamacache.proto.v1.CacheRequest;
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
import io.kamacache.proto.v1.LoadAllRequest;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.proto.v1.PutAllRequest;
import io.kamacache.proto.v1.PutRequest;
import io.kamacache.proto.v1.RemoveRequest;
import io.kamacache.proto.v1.ReplaceRequest;
import io.kamacache.proto.v1.SyncRequest;
import io.kamacache.proto.v1.SyncResponse;
import io.kamacache.proto.v1.ValueResponse;

/**
 * The peer calls a caller waits for: the blocking stub's methods and failures, but each answer is
 * handed over by the transport thread that read it, and waited for by {@link Awaiting}, which
 * spins briefly before it parks. GetBatches and Invalidate are not here: they are sent without
 * waiting.
 */
public final class PeerCalls {

  /** One number per method below, in order, for {@link Awaiting}'s averages. */
  public static final int KINDS = 19;
  /** The number of {@link #get}, which batched gets also wait under. */
  public static final int GET = 0;

  private final PeerGrpc.PeerFutureStub stub;
  private final Awaiting awaiting;

  /** @param stub with its deadline set; its answers are taken on the transport thread */
  public PeerCalls(PeerGrpc.PeerFutureStub stub, Awaiting awaiting) {
    this.stub = stub.withExecutor(com.google.common.util.concurrent.MoreExecutors.directExecutor());
    this.awaiting = awaiting;
  }

  public ValueResponse get(KeyRequest request) {
    return awaiting.await(stub.get(request), GET);
  }

  public FlagResponse containsKey(KeyRequest request) {
    return awaiting.await(stub.containsKey(request), 1);
  }

  public ValueResponse put(PutRequest request) {
    return awaiting.await(stub.put(request), 2);
  }

  public ValueResponse remove(RemoveRequest request) {
    return awaiting.await(stub.remove(request), 3);
  }

  public ValueResponse replace(ReplaceRequest request) {
    return awaiting.await(stub.replace(request), 4);
  }

  public ValueResponse invoke(InvokeRequest request) {
    return awaiting.await(stub.invoke(request), 5);
  }

  public EntriesResponse getAll(KeysRequest request) {
    return awaiting.await(stub.getAll(request), 6);
  }

  public DoneResponse putAll(PutAllRequest request) {
    return awaiting.await(stub.putAll(request), 7);
  }

  public DoneResponse removeAll(KeysRequest request) {
    return awaiting.await(stub.removeAll(request), 8);
  }

  public InvokeAllResponse invokeAll(InvokeAllRequest request) {
    return awaiting.await(stub.invokeAll(request), 9);
  }

  public DoneResponse loadAll(LoadAllRequest request) {
    return awaiting.await(stub.loadAll(request), 10);
  }

  public DoneResponse clear(CacheRequest request) {
    return awaiting.await(stub.clear(request), 11);
  }

  public DoneResponse removeEverything(CacheRequest request) {
    return awaiting.await(stub.removeEverything(request), 12);
  }

  /**
   * A member's keys, which it sends in pages as the caller reads them, merged into one answer; an
   * answer with an error has no keys.
   */
  public KeysResponse keys(CacheRequest request) {
    KeysResponse.Builder merged = KeysResponse.newBuilder();
    java.util.Iterator<KeysResponse> pages = PeerGrpc.newBlockingStub(stub.getChannel())
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
    return awaiting.await(stub.backup(request), 14);
  }

  public DoneResponse handoff(CopyRequest request) {
    return awaiting.await(stub.handoff(request), 15);
  }

  public SyncResponse sync(SyncRequest request) {
    return awaiting.await(stub.sync(request), 16);
  }

  public DoneResponse events(EventsRequest request) {
    return awaiting.await(stub.events(request), 17);
  }

  public DoneResponse refresh(CacheRequest request) {
    return awaiting.await(stub.refresh(request), 18);
  }
}
