package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.KeysRequest;
import io.kamacache.proto.v1.ValuesResponse;
import io.kamacache.transport.Awaiting;
import io.kamacache.transport.PeerCalls;
import io.kamacache.transport.RemoteErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.cache.CacheException;

/**
 * Coalesces gets to one owner. A get that finds no other get to that owner in flight goes out at
 * once, alone, so a lone caller pays nothing. Gets that arrive while one is in flight wait, and go
 * out together as soon as it answers: under load many callers share each round trip, which is
 * what lifts throughput above one call per get. Both travel on one stream per owner (see
 * {@link Stream}): a lone get used to be a call of its own, and under load every other round trip
 * was then one, with its headers and stream set-up, carrying a single get.
 */
final class GetBatcher {

  /**
   * Keys per batch: more than the callers that queue behind one round trip under load, and an
   * answer that stays far below the message limit for ordinary values.
   */
  private static final int MAX_BATCH = 512;

  /** A get waiting for the next batch. */
  static final class Pending {
    final ByteString key;
    final CompletableFuture<ValuesResponse.Result> result = new CompletableFuture<>();

    Pending(ByteString key) {
      this.key = key;
    }
  }

  private final Peers peers;
  /** Watches the deadlines of batches on the stream, which has no per-call deadline of its own. */
  private final ScheduledExecutorService deadlines;
  /** The node's batchers with a get stream open, closed with it so that the channels can close. */
  private final Set<GetBatcher> streaming;
  private final HashRing.Member owner;
  private final String cache;
  private final List<Pending> queue = new ArrayList<>();
  /**
   * Whether a batch to this owner is in flight; gets that find one wait for the next batch. One at
   * most is not a tuning choice: the stream takes each answer as the answer of the one batch
   * awaiting it ({@link Stream#sent}). (More in flight was also slower under load; see
   * docs/performance.md.)
   */
  private boolean inFlight;
  /** How long a get stream may go unused before it is closed. */
  private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(2);
  /** The open get stream, if any. */
  private Stream stream;
  private boolean closed;

  GetBatcher(Peers peers, ScheduledExecutorService deadlines, Set<GetBatcher> streaming, HashRing.Member owner,
      String cache) {
    this.peers = peers;
    this.deadlines = deadlines;
    this.streaming = streaming;
    this.owner = owner;
    this.cache = cache;
  }

  /**
   * The key's answer. A get that finds no other get to this owner in flight goes out at once, as
   * a batch of one on the stream, and spins briefly for its answer as a call of its own would
   * (see {@link Awaiting}); otherwise it waits for the next batch.
   */
  ValuesResponse.Result get(ByteString key) {
    Pending pending = new Pending(key);
    boolean lone;
    synchronized (this) {
      queue.add(pending);
      lone = !inFlight;
      inFlight = true;
    }
    if (!lone) {
      return await(pending);
    }
    long start = System.nanoTime();
    sendQueued(); // the queue holds this get at least, so this sends and stays in flight
    peers.awaiting().spin(pending.result, PeerCalls.GET);
    try {
      return await(pending);
    } finally {
      peers.awaiting().record(PeerCalls.GET, start);
    }
  }

  private ValuesResponse.Result await(Pending pending) {
    try {
      // The batch's own deadline ends it first; this only bounds a wait gone wrong.
      return pending.result.get(peers.config().timeout.toMillis() * 2 + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheException("interrupted while waiting for a get from " + owner, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException ? (RuntimeException) cause : new CacheException(cause);
    } catch (TimeoutException e) {
      throw new CacheException("cache '" + cache + "': member " + owner + " did not answer a get in time", e);
    }
  }

  /** Sends what queued up while the last call was in flight, or marks this owner idle. */
  private void sendQueued() {
    List<Pending> batch;
    synchronized (this) {
      if (queue.isEmpty()) {
        inFlight = false;
        return;
      }
      int size = Math.min(MAX_BATCH, queue.size());
      batch = new ArrayList<>(queue.subList(0, size));
      queue.subList(0, size).clear();
    }
    KeysRequest.Builder request = KeysRequest.newBuilder()
        .setHeader(Header.newBuilder().setCache(cache).setEpoch(peers.epoch()).setSender(peers.memberId()));
    for (Pending pending : batch) {
      request.addKeys(pending.key);
    }
    Stream opened;
    try {
      synchronized (this) {
        if (closed) {
          throw new CacheException("cache '" + cache + "': the cluster node is closed");
        }
        opened = stream;
        if (opened == null) {
          opened = new Stream();
          stream = opened;
          opened.open();
        }
        if (stream == opened) {
          opened.send(batch, request.build());
          return;
        }
      }
    } catch (RuntimeException e) {
      batch.forEach(p -> p.result.completeExceptionally(e));
      sendQueued();
      return;
    }
    // The channel refused the stream as it opened.
    opened.abandon(batch);
    sendQueued();
  }

  /** Refuses a key as NOT_OWNER: its caller reads the members again and retries with the owner it finds. */
  private static ValuesResponse.Result refusal(String why) {
    return ValuesResponse.Result.newBuilder().setError(RemoteErrors.notOwner(0, why)).build();
  }

  /** Ends the get stream, failing a batch in flight on it. */
  void close() {
    Stream ending;
    synchronized (this) {
      closed = true;
      ending = stream;
    }
    CacheException closing = new CacheException("cache '" + cache + "': the cluster node is closed");
    if (ending != null) {
      ending.fail(closing, true);
    }
    List<Pending> waiting;
    synchronized (this) {
      waiting = new ArrayList<>(queue);
      queue.clear();
    }
    waiting.forEach(p -> p.result.completeExceptionally(closing));
  }

  /**
   * One long-lived GetBatches stream to the owner. {@link GetBatcher#inFlight} keeps at most one
   * batch on it at a time, so each answer belongs to the batch sent last. A stream that fails,
   * ends, or leaves a batch unanswered past the timeout is dropped, and the next batch opens a new
   * one. One idle for a while is closed, so that it holds no channel or server open.
   */
  private final class Stream implements ClientResponseObserver<KeysRequest, ValuesResponse> {
    private ClientCallStreamObserver<KeysRequest> requests;
    private ScheduledFuture<?> watch;
    /** Why this stream was dropped. */
    private CacheException failure;
    /** Whether it was dropped because the owner refused the connection, so nothing reached it. */
    private boolean unreached;
    /** The batch awaiting its answer; null when none is. Guarded by the batcher. */
    private List<Pending> sent;
    private long sentAt;
    private long lastUsed = System.nanoTime();

    /**
     * Called with the batcher's lock held. A stream the channel refuses fails here, on this
     * thread, before this returns.
     */
    void open() {
      long period = Math.max(1, peers.config().timeout.toMillis() / 8);
      watch = deadlines.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
      streaming.add(GetBatcher.this);
      // Outside the context of any call this get runs in: the stream outlives it, and a server
      // call's context is cancelled when that call ends, which would cancel the stream with it.
      Context previous = Context.ROOT.attach();
      try {
        peers.streamStub(owner).getBatches(this);
      } finally {
        Context.ROOT.detach(previous);
      }
    }

    @Override public void beforeStart(ClientCallStreamObserver<KeysRequest> stream) {
      requests = stream;
    }

    /** Called with the batcher's lock held, which also keeps sends apart from cancels. */
    void send(List<Pending> batch, KeysRequest request) {
      sent = batch;
      sentAt = System.nanoTime();
      lastUsed = sentAt;
      requests.onNext(request);
    }

    /** Takes the batch in flight, if this is still the batcher's stream. */
    private List<Pending> take() {
      synchronized (GetBatcher.this) {
        if (stream != this) {
          return null;
        }
        List<Pending> batch = sent;
        sent = null;
        return batch;
      }
    }

    @Override public void onNext(ValuesResponse answer) {
      List<Pending> batch = take();
      if (batch == null) {
        return;
      }
      // The next batch goes out before this one's callers wake: each wake-up is a system call on
      // this transport thread, and the next round trip need not wait for them.
      sendQueued();
      if (answer.hasError()) {
        ValuesResponse.Result failed = ValuesResponse.Result.newBuilder().setError(answer.getError()).build();
        batch.forEach(p -> p.result.complete(failed));
      } else if (answer.getResultsCount() != batch.size()) {
        CacheException mismatch = new CacheException("member " + owner + " answered a batch of " + batch.size()
            + " gets with " + answer.getResultsCount() + " results");
        batch.forEach(p -> p.result.completeExceptionally(mismatch));
      } else {
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).result.complete(answer.getResults(i));
        }
      }
    }

    @Override public void onError(Throwable t) {
      Status status = Status.fromThrowable(t);
      fail(CallFailures.of(cache, owner, peers.config(), status, t), false, CallFailures.neverSent(status));
    }

    /**
     * The owner ended the stream: it is leaving, so the batch in flight was not answered and is
     * refused as NOT_OWNER, which its callers retry against the next owner.
     */
    @Override public void onCompleted() {
      List<Pending> batch;
      synchronized (GetBatcher.this) {
        if (stream != this) {
          return;
        }
        failure = new CacheException("cache '" + cache + "': member " + owner + " ended the get stream");
        batch = sent;
        sent = null;
        drop();
      }
      if (batch != null) {
        sendQueued();
        ValuesResponse.Result refused = refusal("member " + owner + " is leaving");
        batch.forEach(p -> p.result.complete(refused));
      }
    }

    /** Drops this stream, failing the batch in flight on it with {@code failure}. */
    void fail(CacheException failure, boolean cancel) {
      fail(failure, cancel, false);
    }

    /**
     * Drops this stream. The batch in flight fails with {@code failure}, or, if the owner refused
     * the connection ({@code unreached}), is refused as NOT_OWNER: it never left, so its callers
     * may safely try the owner they find next, as after a refused unary call.
     */
    void fail(CacheException failure, boolean cancel, boolean unreached) {
      List<Pending> batch;
      synchronized (GetBatcher.this) {
        if (stream != this) {
          return;
        }
        this.failure = failure;
        this.unreached = unreached;
        batch = sent;
        sent = null;
        drop();
        if (cancel) {
          requests.cancel(failure.getMessage(), null);
        }
      }
      if (batch != null) {
        // Passes on the turn to send; after close() that fails whatever is queued.
        sendQueued();
        abandon(batch);
      }
    }

    /**
     * Ends a batch this stream did not answer: refused as NOT_OWNER if the owner refused the
     * connection, since nothing reached it, and failed with {@link #failure} otherwise.
     */
    void abandon(List<Pending> batch) {
      if (unreached) {
        ValuesResponse.Result refused = refusal("member " + owner + " could not be called: " + failure.getMessage());
        batch.forEach(p -> p.result.complete(refused));
      } else {
        batch.forEach(p -> p.result.completeExceptionally(failure));
      }
    }

    /** Makes this no longer the batcher's stream; the caller holds the batcher's lock. */
    private void drop() {
      stream = null;
      watch.cancel(false);
      streaming.remove(GetBatcher.this);
    }

    private void check() {
      boolean late;
      boolean idle;
      synchronized (GetBatcher.this) {
        long now = System.nanoTime();
        late = sent != null && now - sentAt > peers.config().timeout.toNanos();
        idle = sent == null && now - lastUsed > IDLE_NANOS;
        if (idle && stream == this) {
          drop();
          requests.onCompleted();
        }
      }
      if (late) {
        fail(CallFailures.of(cache, owner, peers.config(), Status.DEADLINE_EXCEEDED, null), true);
      }
    }
  }
}
