package io.kamacache.cluster;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kamacache.proto.v1.KeysRequest;
import io.kamacache.proto.v1.ValuesResponse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The owner's side of the GetBatches streams callers keep open here. Each request is answered
 * with one message, and the answer does not end the stream. The streams are
 * tracked so that a member that leaves can end them: a server waits for its open calls to end.
 *
 * <p>A stream reads its next request only once its last answer is sent and the caller is ready
 * for more, so a caller that never reads its answers stops its own stream instead of filling this
 * member's memory; a well-behaved caller keeps one request in flight anyway.
 */
final class BatchStreams {

  private final Set<Stream> open = ConcurrentHashMap.newKeySet();
  /** Answers one request on the observer given, with one onNext and then onCompleted. */
  private final BiConsumer<KeysRequest, StreamObserver<ValuesResponse>> answer;

  BatchStreams(BiConsumer<KeysRequest, StreamObserver<ValuesResponse>> answer) {
    this.answer = answer;
  }

  StreamObserver<KeysRequest> open(StreamObserver<ValuesResponse> responses) {
    Stream stream = new Stream((ServerCallStreamObserver<ValuesResponse>) responses);
    open.add(stream);
    return stream;
  }

  void endAll() {
    for (Stream stream : open) {
      stream.end(null);
    }
  }

  private final class Stream implements StreamObserver<KeysRequest> {
    private final ServerCallStreamObserver<ValuesResponse> responses;
    private boolean ended;
    /** An answer went out and the next request has not been asked for yet. */
    private boolean owed;

    /** Takes each answer; only the stream's own end may end the call. */
    private final StreamObserver<ValuesResponse> answers = new StreamObserver<>() {
      @Override public void onNext(ValuesResponse response) {
        // Answers come from transport and handler threads, and the stream may end meanwhile.
        synchronized (Stream.this) {
          if (!ended) {
            responses.onNext(response);
            owed = true;
          }
        }
        askForMore();
      }

      @Override public void onError(Throwable t) {
        end(t);
      }

      @Override public void onCompleted() {
      }
    };

    Stream(ServerCallStreamObserver<ValuesResponse> responses) {
      this.responses = responses;
      responses.disableAutoRequest();
      responses.setOnReadyHandler(this::askForMore);
      // An answer that comes after the caller gave up is dropped rather than thrown.
      responses.setOnCancelHandler(() -> {
        synchronized (this) {
          ended = true;
        }
        open.remove(this);
      });
      responses.request(1);
    }

    /** Reads the next request if the last one is answered and the caller takes what we send. */
    private void askForMore() {
      synchronized (this) {
        if (!owed || ended || !responses.isReady()) {
          return;
        }
        owed = false;
      }
      responses.request(1);
    }

    @Override public void onNext(KeysRequest request) {
      answer.accept(request, answers);
    }

    @Override public void onError(Throwable t) {
      open.remove(this);
    }

    @Override public void onCompleted() {
      end(null);
    }

    synchronized void end(Throwable failure) {
      open.remove(this);
      if (ended) {
        return;
      }
      ended = true;
      if (failure == null) {
        responses.onCompleted();
      } else {
        responses.onError(failure);
      }
    }
  }
}
