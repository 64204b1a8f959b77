package io.kamacache.transport;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.kamacache.proto.v1.StreamedRequest;
import io.kamacache.proto.v1.StreamedResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Unary peer requests carried on one long-lived stream to a member (the Writes or Backups method):
 * each request carries an id and its timeout, answers come back by id in any order, and any number
 * may be in flight. A call of its own costs its HTTP/2 headers, a stream's set-up and a deadline
 * timer; here a request costs one message each way.
 *
 * <p>A request fails as its call would have: with the status the member answered, with
 * DEADLINE_EXCEEDED once its timeout passes here (its late answer is dropped), and with the
 * stream's own failure if the stream fails. The member answers every request it has read before it
 * ends the stream, so a request still unanswered when the member ends it was never run: it fails
 * UNAVAILABLE with an {@link Unread} cause, which callers may safely send again elsewhere.
 *
 * <p>The stream opens with the first request and closes once it has been idle a while, so that it
 * holds no server open. Thread-safe.
 */
public final class CallStream implements AutoCloseable {

  /** The cause of a failure for a request the member never read: it was not run. */
  public static final class Unread extends Exception {
    Unread(String message) {
      super(message, null, false, false);
    }
  }

  /** Counts each answered request as a call of its unary method, for this member's metrics. */
  @FunctionalInterface
  public interface Recorder {
    void made(String method, long nanos);
  }

  /**
   * How long a stream may go unused before it is closed: as long as a get stream's, long enough
   * that a steady trickle of writes keeps one stream.
   */
  private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(2);
  /**
   * How often timeouts are checked: a request fails at most this late, 1% of the default 5 s
   * timeout. A timer per request would cost what the stream saves, and each check is a wake-up
   * (at 20 ms, the checks were about 2% of a put's CPU on this machine).
   */
  private static final long CHECK_MILLIS = 50;

  private final Function<StreamObserver<StreamedResponse>, StreamObserver<StreamedRequest>> opener;
  private final ScheduledExecutorService checks;
  private final Recorder recorder;
  private final String target;
  private final int maxMessageBytes;
  private final AtomicLong ids = new AtomicLong();
  /** The open stream, if any. Guarded by this. */
  private Stream stream;
  private boolean closed;

  /**
   * @param opener starts the streaming call with the observer given and returns its request side;
   *     the answers are taken on the transport thread, so it must use a direct executor
   * @param checks runs the timeout and idle checks
   * @param target names the member in failures
   * @param maxMessageBytes the largest message the member takes; see {@link #carries}
   */
  public CallStream(Function<StreamObserver<StreamedResponse>, StreamObserver<StreamedRequest>> opener,
      ScheduledExecutorService checks, Recorder recorder, String target, int maxMessageBytes) {
    this.opener = opener;
    this.checks = checks;
    this.recorder = recorder;
    this.target = target;
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Room for the envelope's id, timeout and tags around the request. */
  private static final int ENVELOPE_BYTES = 64;

  /**
   * Whether a request of this size can go on the stream. A message larger than the member takes
   * makes it reset the whole stream, failing every request in flight on it; such a request goes as
   * a call of its own, which fails alone.
   */
  public boolean carries(int requestBytes) {
    return requestBytes <= maxMessageBytes - ENVELOPE_BYTES;
  }

  /**
   * Sends {@code request} with a fresh id and returns its answer, taken from the response by
   * {@code answer}; {@code method} names it in the metrics.
   */
  public <T> ListenableFuture<T> call(String method, StreamedRequest.Builder request, long timeoutNanos,
      Function<StreamedResponse, T> answer) {
    Pending<T> pending = new Pending<>(method, answer, System.nanoTime(), timeoutNanos);
    long id = ids.incrementAndGet();
    StreamedRequest message = request.setId(id).setTimeoutNanos(Math.max(1, timeoutNanos)).build();
    Status refused = null;
    synchronized (this) {
      if (closed) {
        refused = Status.UNAVAILABLE.withDescription("the stream to " + target + " is closed")
            .withCause(new Unread("closed before sending"));
      } else {
        Stream current = stream;
        if (current == null) {
          current = new Stream();
          stream = current;
          current.open();
        }
        if (current.failure != null) {
          refused = current.failure; // the channel refused the stream as it opened
        } else {
          current.inFlight.put(id, pending);
          current.lastUsed = pending.start;
          try {
            current.requests.onNext(message);
          } catch (RuntimeException e) {
            current.fail(Status.INTERNAL.withDescription("could not send on the stream to " + target).withCause(e), true);
          }
        }
      }
    }
    if (refused != null) {
      pending.fail(refused);
    }
    return pending.future;
  }

  /**
   * Sends nothing more: later requests fail as never sent. What is in flight still gets its answer,
   * as calls on a channel shut down gracefully do: the stream is half-closed, and the member ends it
   * once it has answered what it read.
   */
  @Override
  public void close() {
    Stream ending;
    synchronized (this) {
      closed = true;
      ending = stream;
      stream = null;
      if (ending != null) {
        ending.halfClose();
      }
    }
  }

  /** One request waiting for its answer. */
  private static final class Pending<T> {
    final SettableFuture<T> future = SettableFuture.create();
    final String method;
    final Function<StreamedResponse, T> answer;
    final long start;
    final long deadline;

    Pending(String method, Function<StreamedResponse, T> answer, long start, long timeoutNanos) {
      this.method = method;
      this.answer = answer;
      this.start = start;
      this.deadline = start + timeoutNanos;
    }

    void answer(StreamedResponse response) {
      if (response.getStatusCode() != Status.Code.OK.value()) {
        fail(Status.fromCodeValue(response.getStatusCode()).withDescription(response.getStatusDescription()));
        return;
      }
      try {
        future.set(answer.apply(response));
      } catch (RuntimeException e) {
        fail(Status.INTERNAL.withDescription("a malformed answer: " + e.getMessage()));
      }
    }

    void fail(Status status) {
      future.setException(status.asRuntimeException());
    }
  }

  /** One streaming call, replaced by a new one when it fails or closes. */
  private final class Stream implements ClientResponseObserver<StreamedRequest, StreamedResponse> {
    final Map<Long, Pending<?>> inFlight = new ConcurrentHashMap<>();
    ClientCallStreamObserver<StreamedRequest> requests;
    ScheduledFuture<?> watch;
    /** Why this stream ended; set once, under the CallStream's lock. */
    Status failure;
    /** Nothing more is sent on it; guarded by the CallStream's lock. */
    boolean halfClosed;
    long lastUsed = System.nanoTime();

    /**
     * Called under the CallStream's lock. Opened outside any call's context: the stream outlives
     * the request that opens it, and must not be cancelled when a server call it runs in ends.
     */
    void open() {
      watch = checks.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
      Context previous = Context.ROOT.attach();
      try {
        opener.apply(this);
      } finally {
        Context.ROOT.detach(previous);
      }
    }

    @Override public void beforeStart(ClientCallStreamObserver<StreamedRequest> stream) {
      requests = stream;
    }

    @Override public void onNext(StreamedResponse response) {
      Pending<?> pending = inFlight.remove(response.getId());
      if (pending == null) {
        return; // timed out here already
      }
      recorder.made(pending.method, System.nanoTime() - pending.start);
      pending.answer(response);
    }

    @Override public void onError(Throwable t) {
      fail(Status.fromThrowable(t), false);
    }

    /** The member ended the stream: it answered everything it read, so what is left was not run. */
    @Override public void onCompleted() {
      fail(Status.UNAVAILABLE.withDescription(target + " ended the stream before reading the request")
          .withCause(new Unread(target + " ended the stream")), false);
    }

    /** Ends this stream: what is in flight on it fails with {@code status}. */
    void fail(Status status, boolean cancel) {
      synchronized (CallStream.this) {
        if (failure != null) {
          return;
        }
        failure = status;
        if (stream == this) {
          stream = null;
        }
        watch.cancel(false);
        if (cancel && requests != null) {
          requests.cancel(status.getDescription(), null);
        }
      }
      // No request joins once failure is set, so this takes them all.
      for (Long id : inFlight.keySet()) {
        Pending<?> pending = inFlight.remove(id);
        if (pending != null) {
          pending.fail(status);
        }
      }
    }

    /** Called under the CallStream's lock, once it is no longer the stream requests go on. */
    void halfClose() {
      if (failure == null && !halfClosed) {
        halfClosed = true;
        requests.onCompleted();
      }
    }

    /**
     * Fails the requests past their timeouts; closes the stream once it has been idle a while, and
     * cancels one half-closed whose requests have all ended, in case the member never ends it.
     */
    private void check() {
      long now = System.nanoTime();
      for (Map.Entry<Long, Pending<?>> entry : inFlight.entrySet()) {
        Pending<?> pending = entry.getValue();
        if (now - pending.deadline > 0 && inFlight.remove(entry.getKey(), pending)) {
          pending.fail(Status.DEADLINE_EXCEEDED.withDescription("no answer from " + target + " within "
              + TimeUnit.NANOSECONDS.toMillis(pending.deadline - pending.start) + " ms"));
        }
      }
      synchronized (CallStream.this) {
        if (failure != null || !inFlight.isEmpty()) {
          return;
        }
        if (halfClosed) {
          fail(Status.CANCELLED.withDescription("the stream to " + target + " was closed"), true);
        } else if (now - lastUsed > IDLE_NANOS) {
          if (stream == this) {
            stream = null;
          }
          halfClose();
        }
      }
    }
  }
}
