package io.kamacache.cluster;

import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.StreamedRequest;
import io.kamacache.proto.v1.StreamedResponse;
import io.kamacache.proto.v1.ValueResponse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * The receiving side of the Writes and Backups streams: each request runs as the unary call it
 * stands for would, under its own deadline ({@link CallDispatch#STREAMED_DEADLINE}), and its answer,
 * or the status the call would have failed with, goes back under its id.
 *
 * <p>A stream reads at most {@link #WINDOW} requests ahead of its answers, and only while the
 * caller takes what we send, so that one caller cannot fill this member's memory. The stream ends
 * only once every request read has been answered: so a request the caller still waits for when
 * it ends was never run, and the caller may send it again elsewhere.
 */
final class CallStreams {

  /**
   * Requests read and not yet answered, per stream: as many as the peer pool has threads by
   * default, so one caller can keep it busy; more would only wait in its queue.
   */
  static final int WINDOW = 64;

  private final Set<Stream> open = ConcurrentHashMap.newKeySet();
  /** Runs one request, answering it once on the observer given: its response, or a failure. */
  private final BiConsumer<StreamedRequest, StreamObserver<Message>> handler;
  /**
   * The largest answer sent: the callers' limit, which this member's setting is taken for. A
   * larger one would make the caller reset the stream, failing every request in flight on it.
   */
  private final int maxMessageBytes;

  CallStreams(BiConsumer<StreamedRequest, StreamObserver<Message>> handler, int maxMessageBytes) {
    this.handler = handler;
    this.maxMessageBytes = maxMessageBytes;
  }

  StreamObserver<StreamedRequest> open(StreamObserver<StreamedResponse> responses) {
    Stream stream = new Stream((ServerCallStreamObserver<StreamedResponse>) responses);
    open.add(stream);
    if (endingAll) {
      stream.ending(); // opened as the server stops: it runs nothing, and its caller tries elsewhere
    }
    return stream;
  }

  /** Set once {@link #endAll} is called: streams opened after it end at once. */
  private volatile boolean endingAll;

  /** Ends every stream once it has answered what it has read; reads nothing more. */
  void endAll() {
    endingAll = true;
    for (Stream stream : open) {
      stream.ending();
    }
  }

  private final class Stream implements StreamObserver<StreamedRequest> {
    private final ServerCallStreamObserver<StreamedResponse> responses;
    /** Requests read and not answered. Guarded by this. */
    private int unanswered;
    /** Answers sent for which no next request has been asked. Guarded by this. */
    private int owed;
    /** No more requests are read; the stream ends once {@link #unanswered} is zero. */
    private boolean ending;
    /** The call is over: nothing more is sent. */
    private boolean ended;

    Stream(ServerCallStreamObserver<StreamedResponse> responses) {
      this.responses = responses;
      responses.disableAutoRequest();
      responses.setOnReadyHandler(this::askForMore);
      responses.setOnCancelHandler(() -> {
        synchronized (this) {
          ended = true;
        }
        open.remove(this);
      });
      responses.request(WINDOW);
    }

    @Override public void onNext(StreamedRequest request) {
      synchronized (this) {
        if (ending || ended) {
          return; // not run, and never answered: the caller knows it was not read
        }
        unanswered++;
      }
      Answer answer = new Answer(request.getId());
      if (request.getTimeoutNanos() <= 0) {
        answer.onError(Status.INVALID_ARGUMENT.withDescription("timeout_nanos must be positive, was "
            + request.getTimeoutNanos()).asRuntimeException());
        return;
      }
      Context context = Context.current().withValue(CallDispatch.STREAMED_DEADLINE,
          Deadline.after(request.getTimeoutNanos(), TimeUnit.NANOSECONDS));
      Context previous = context.attach();
      try {
        handler.accept(request, answer);
      } catch (RuntimeException e) {
        answer.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
      } finally {
        context.detach(previous);
      }
    }

    @Override public void onError(Throwable t) {
      synchronized (this) {
        ended = true;
      }
      open.remove(this);
    }

    /** The caller is done sending: the stream ends once its requests are answered. */
    @Override public void onCompleted() {
      ending();
    }

    void ending() {
      synchronized (this) {
        ending = true;
      }
      endIfDone();
    }

    private void endIfDone() {
      synchronized (this) {
        if (!ending || ended || unanswered > 0) {
          return;
        }
        ended = true;
        responses.onCompleted();
      }
      open.remove(this);
    }

    private void send(StreamedResponse response) {
      synchronized (this) {
        unanswered--;
        if (!ended) {
          responses.onNext(response);
          owed++;
        }
      }
      askForMore();
      endIfDone();
    }

    /** Reads as many more requests as were answered, while the caller takes the answers. */
    private void askForMore() {
      int more;
      synchronized (this) {
        if (owed == 0 || ending || ended || !responses.isReady()) {
          return;
        }
        more = owed;
        owed = 0;
      }
      responses.request(more);
    }

    /** Takes one request's answer, once, from whichever thread runs it. */
    private final class Answer implements StreamObserver<Message> {
      private final long id;
      private final AtomicBoolean answered = new AtomicBoolean();

      Answer(long id) {
        this.id = id;
      }

      @Override public void onNext(Message message) {
        StreamedResponse.Builder response = StreamedResponse.newBuilder().setId(id);
        if (message instanceof ValueResponse value) {
          response.setValue(value);
        } else if (message instanceof DoneResponse done) {
          response.setDone(done);
        } else {
          response.setStatusCode(Status.Code.INTERNAL.value())
              .setStatusDescription("no streamed form for " + message.getClass().getSimpleName());
        }
        StreamedResponse built = response.build();
        if (built.getSerializedSize() > maxMessageBytes) {
          onError(Status.RESOURCE_EXHAUSTED.withDescription("the response of " + built.getSerializedSize()
              + " bytes exceeds the caller's limit of " + maxMessageBytes).asRuntimeException());
        } else if (answered.compareAndSet(false, true)) {
          send(built);
        }
      }

      @Override public void onError(Throwable t) {
        Status status = Status.fromThrowable(t);
        if (answered.compareAndSet(false, true)) {
          send(StreamedResponse.newBuilder().setId(id).setStatusCode(status.getCode().value())
              .setStatusDescription(status.getDescription() == null ? "" : status.getDescription()).build());
        }
      }

      @Override public void onCompleted() {
      }
    }
  }
}
