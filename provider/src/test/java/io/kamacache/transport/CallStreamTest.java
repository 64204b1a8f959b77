package io.kamacache.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.proto.v1.PutRequest;
import io.kamacache.proto.v1.StreamedRequest;
import io.kamacache.proto.v1.StreamedResponse;
import io.kamacache.proto.v1.ValueResponse;
import com.google.protobuf.ByteString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The caller's side of a request stream, against a real gRPC server on loopback whose answers
 * each test gives by hand.
 */
class CallStreamTest {

  /** A request as the server read it, with the stream to answer it on. */
  private record Received(StreamedRequest request, StreamObserver<StreamedResponse> answers) {
    void answer(String value) {
      synchronized (answers) {
        answers.onNext(StreamedResponse.newBuilder().setId(request.getId())
            .setValue(ValueResponse.newBuilder().setValue(ByteString.copyFromUtf8(value))).build());
      }
    }
  }

  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final AtomicInteger streamsOpened = new AtomicInteger();
  private final BlockingQueue<String> streamsEnded = new LinkedBlockingQueue<>();
  private final List<String> recorded = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;
  private ScheduledExecutorService checks;
  private CallStream stream;

  @BeforeEach
  void start() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .directExecutor()
        .addService(new PeerGrpc.PeerImplBase() {
          @Override
          public StreamObserver<StreamedRequest> writes(StreamObserver<StreamedResponse> answers) {
            streamsOpened.incrementAndGet();
            return new StreamObserver<>() {
              @Override public void onNext(StreamedRequest request) {
                received.add(new Received(request, answers));
              }

              @Override public void onError(Throwable t) {
                streamsEnded.add("error");
              }

              /** The caller is done sending; the tests answer what is in flight themselves. */
              @Override public void onCompleted() {
                streamsEnded.add("completed");
              }
            };
          }
        }).build().start();
    channel = NettyChannelBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort()))
        .usePlaintext().build();
    checks = Executors.newSingleThreadScheduledExecutor();
    stream = new CallStream(answers -> PeerGrpc.newStub(channel).withExecutor(MoreExecutors.directExecutor())
        .writes(answers), checks, (method, nanos) -> recorded.add(method), "the test server", 1_000);
  }

  @AfterEach
  void stop() throws Exception {
    stream.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    checks.shutdownNow();
  }

  private ListenableFuture<String> put(String key, long timeoutMillis) {
    return stream.call("Put", StreamedRequest.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key))), TimeUnit.MILLISECONDS.toNanos(timeoutMillis),
        response -> response.getValue().getValue().toStringUtf8());
  }

  private Received next() throws InterruptedException {
    Received next = received.poll(10, TimeUnit.SECONDS);
    assertThat(next).as("a request reached the server").isNotNull();
    return next;
  }

  private static Status statusOf(ListenableFuture<?> future) throws InterruptedException {
    try {
      future.get(10, TimeUnit.SECONDS);
      throw new AssertionError("the request succeeded");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
      return ((StatusRuntimeException) e.getCause()).getStatus();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the request never ended", e);
    }
  }

  @Test
  void manyRequestsShareOneStreamAndEachGetsTheAnswerWithItsIdWhateverTheOrder() throws Exception {
    ListenableFuture<String> first = put("a", 10_000);
    ListenableFuture<String> second = put("b", 10_000);
    Received a = next();
    Received b = next();
    assertThat(a.request().getId()).isNotEqualTo(b.request().getId());
    assertThat(a.request().getTimeoutNanos()).isPositive().isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(10));
    b.answer("for " + b.request().getPut().getKey().toStringUtf8());
    a.answer("for " + a.request().getPut().getKey().toStringUtf8());
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("for a");
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("for b");
    assertThat(streamsOpened).hasValue(1);
    assertThat(recorded).containsExactly("Put", "Put");
  }

  @Test
  void aRequestPastItsTimeoutFailsWithDeadlineExceededAndItsLateAnswerIsDropped() throws Exception {
    ListenableFuture<String> late = put("a", 100);
    Received request = next();
    assertThat(statusOf(late).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    request.answer("too late");
    // The stream carries on: the next request is answered on it.
    ListenableFuture<String> next = put("b", 10_000);
    next().answer("in time");
    assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("in time");
    assertThat(streamsOpened).hasValue(1);
    assertThat(recorded).containsExactly("Put");
  }

  @Test
  void aStatusTheMemberAnswersFailsTheRequestWithThatStatus() throws Exception {
    ListenableFuture<String> refused = put("a", 10_000);
    Received request = next();
    request.answers().onNext(StreamedResponse.newBuilder().setId(request.request().getId())
        .setStatusCode(Status.Code.RESOURCE_EXHAUSTED.value()).setStatusDescription("every thread busy").build());
    Status status = statusOf(refused);
    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).isEqualTo("every thread busy");
  }

  @Test
  void requestsTheMemberNeverAnsweredFailAsUnreadWhenItEndsTheStream() throws Exception {
    ListenableFuture<String> answered = put("a", 10_000);
    ListenableFuture<String> unanswered = put("b", 10_000);
    Received a = next();
    next();
    a.answer("done");
    a.answers().onCompleted();
    assertThat(answered.get(10, TimeUnit.SECONDS)).isEqualTo("done");
    Status status = statusOf(unanswered);
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getCause()).isInstanceOf(CallStream.Unread.class);
  }

  @Test
  void aFailedStreamFailsWhatIsInFlightOnItAndTheNextRequestOpensAnotherStream() throws Exception {
    ListenableFuture<String> inFlight = put("a", 10_000);
    next().answers().onError(Status.INTERNAL.withDescription("broken").asRuntimeException());
    Status status = statusOf(inFlight);
    assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.getCause() instanceof CallStream.Unread).as("failed as never read").isFalse();
    ListenableFuture<String> after = put("b", 10_000);
    next().answer("again");
    assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("again");
    assertThat(streamsOpened).hasValue(2);
  }

  @Test
  void aStreamOpenedInsideACallThatEndsOutlivesThatCall() throws Exception {
    Context.CancellableContext call = Context.current().withCancellation();
    ListenableFuture<String> first = call.call(() -> put("a", 10_000));
    next().answer("one");
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("one");
    call.cancel(null);
    ListenableFuture<String> second = put("b", 10_000);
    next().answer("two");
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("two");
    assertThat(streamsOpened).hasValue(1);
    assertThat(streamsEnded).isEmpty();
  }

  @Test
  void anIdleStreamIsClosedAndTheNextRequestOpensAnother() throws Exception {
    ListenableFuture<String> first = put("a", 10_000);
    next().answer("one");
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("one");
    assertThat(streamsEnded.poll(20, TimeUnit.SECONDS)).isEqualTo("completed");
    ListenableFuture<String> second = put("b", 10_000);
    next().answer("two");
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("two");
    assertThat(streamsOpened).hasValue(2);
  }

  @Test
  void aClosedStreamSendsNothingMoreButWhatIsInFlightStillGetsItsAnswer() throws Exception {
    ListenableFuture<String> inFlight = put("a", 10_000);
    Received request = next();
    stream.close();
    Status refused = statusOf(put("b", 10_000));
    assertThat(refused.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(refused.getCause()).isInstanceOf(CallStream.Unread.class);
    assertThat(streamsEnded.poll(10, TimeUnit.SECONDS)).as("the caller half-closed").isEqualTo("completed");
    request.answer("still answered");
    assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("still answered");
    assertThat(received).isEmpty();
  }

  @Test
  void aRequestTooLargeForTheMemberIsNotCarriedSoItCannotResetTheStream() {
    assertThat(stream.carries(900)).isTrue();
    assertThat(stream.carries(999)).isFalse();
  }
}
