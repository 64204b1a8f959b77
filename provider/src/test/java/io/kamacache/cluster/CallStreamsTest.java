package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Deadline;
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
import io.kamacache.transport.CallStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The member's side of the request streams, served by a real gRPC server on loopback to a real
 * {@link CallStream}, with a handler each test answers by hand.
 */
class CallStreamsTest {

  /** A request the handler was given, with where to answer it and the deadline it ran under. */
  private record Handled(StreamedRequest request, StreamObserver<Message> answer, Deadline deadline) {
    void answer(String value) {
      answer.onNext(ValueResponse.newBuilder().setValue(ByteString.copyFromUtf8(value)).build());
      answer.onCompleted();
    }
  }

  private final BlockingQueue<Handled> handled = new LinkedBlockingQueue<>();
  /** The largest answer the streams send. */
  private static final int LIMIT = 10_000;

  private final CallStreams streams = new CallStreams(
      (request, answer) -> handled.add(new Handled(request, answer, CallDispatch.deadline())), LIMIT);
  private Server server;
  private ManagedChannel channel;
  private ScheduledExecutorService checks;
  private CallStream caller;

  @BeforeEach
  void start() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .directExecutor()
        .addService(new PeerGrpc.PeerImplBase() {
          @Override
          public StreamObserver<StreamedRequest> writes(StreamObserver<StreamedResponse> answers) {
            return streams.open(answers);
          }
        }).build().start();
    channel = NettyChannelBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort()))
        .usePlaintext().build();
    checks = Executors.newSingleThreadScheduledExecutor();
    caller = new CallStream(answers -> PeerGrpc.newStub(channel).withExecutor(MoreExecutors.directExecutor())
        .writes(answers), checks, (method, nanos) -> { }, "the test member", 4 << 20);
  }

  @AfterEach
  void stop() throws Exception {
    caller.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    checks.shutdownNow();
  }

  private ListenableFuture<String> put(String key) {
    return caller.call("Put", StreamedRequest.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key))), TimeUnit.SECONDS.toNanos(30),
        response -> response.getValue().getValue().toStringUtf8());
  }

  private Handled next() throws InterruptedException {
    Handled next = handled.poll(10, TimeUnit.SECONDS);
    assertThat(next).as("a request reached the handler").isNotNull();
    return next;
  }

  @Test
  void eachRequestRunsUnderItsOwnDeadlineAndIsAnsweredByItsId() throws Exception {
    ListenableFuture<String> first = put("a");
    ListenableFuture<String> second = put("b");
    Handled a = next();
    Handled b = next();
    assertThat(a.deadline()).isNotNull();
    assertThat(a.deadline().timeRemaining(TimeUnit.SECONDS)).isBetween(1L, 30L);
    b.answer("b done");
    a.answer("a done");
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("a done");
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("b done");
  }

  @Test
  void itReadsAtMostAWindowOfRequestsAheadOfItsAnswers() throws Exception {
    List<ListenableFuture<String>> sent = new ArrayList<>();
    for (int i = 0; i < CallStreams.WINDOW + 5; i++) {
      sent.add(put("k" + i));
    }
    List<Handled> read = new ArrayList<>();
    for (int i = 0; i < CallStreams.WINDOW; i++) {
      read.add(next());
    }
    assertThat(handled.poll(500, TimeUnit.MILLISECONDS)).as("a request read past the window").isNull();
    read.get(0).answer("first");
    Handled more = next();
    assertThat(handled.poll(500, TimeUnit.MILLISECONDS)).as("a second request read for one answer").isNull();
    assertThat(sent.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("first");
    more.answer("more");
    read.subList(1, read.size()).forEach(h -> h.answer("rest"));
    for (int i = 0; i < 4; i++) {
      next().answer("last");
    }
    for (ListenableFuture<String> future : sent) {
      assertThat(future.get(10, TimeUnit.SECONDS)).isIn("first", "more", "rest", "last");
    }
  }

  @Test
  void endingAnswersWhatItReadFirstAndLeavesWhatCameAfterUnreadAndUnrun() throws Exception {
    ListenableFuture<String> first = put("a");
    ListenableFuture<String> second = put("b");
    Handled a = next();
    Handled b = next();
    streams.endAll();
    ListenableFuture<String> third = put("c");
    a.answer("a done");
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("a done");
    assertThat(third.isDone()).as("the stream ended before its last answer").isFalse();
    b.answer("b done");
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("b done");
    try {
      third.get(10, TimeUnit.SECONDS);
      throw new AssertionError("a request sent after the end was answered");
    } catch (ExecutionException e) {
      Status status = ((StatusRuntimeException) e.getCause()).getStatus();
      assertThat(status.getCause()).isInstanceOf(CallStream.Unread.class);
      assertThat(CallFailures.neverSent(status)).isTrue();
    }
    assertThat(handled).as("the request after the end never ran").isEmpty();
  }

  @Test
  void aRequestWithoutAPositiveTimeoutIsRefusedAsInvalidArgumentAndNotRun() throws Exception {
    CompletableFuture<StreamedResponse> answer = new CompletableFuture<>();
    StreamObserver<StreamedRequest> requests = PeerGrpc.newStub(channel).writes(new StreamObserver<>() {
      @Override public void onNext(StreamedResponse response) {
        answer.complete(response);
      }

      @Override public void onError(Throwable t) {
        answer.completeExceptionally(t);
      }

      @Override public void onCompleted() {
      }
    });
    requests.onNext(StreamedRequest.newBuilder().setId(7).setPut(PutRequest.getDefaultInstance()).build());
    StreamedResponse response = answer.get(10, TimeUnit.SECONDS);
    assertThat(response.getId()).isEqualTo(7);
    assertThat(response.getStatusCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(response.getStatusDescription()).contains("timeout_nanos");
    assertThat(handled).isEmpty();
    requests.onCompleted();
  }

  @Test
  void anAnswerLargerThanTheCallersLimitFailsAloneAndTheStreamCarriesOn() throws Exception {
    ListenableFuture<String> large = put("a");
    ListenableFuture<String> small = put("b");
    Handled a = next();
    Handled b = next();
    a.answer("x".repeat(LIMIT + 1));
    try {
      large.get(10, TimeUnit.SECONDS);
      throw new AssertionError("an answer over the limit was sent");
    } catch (ExecutionException e) {
      assertThat(((StatusRuntimeException) e.getCause()).getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }
    b.answer("fits");
    assertThat(small.get(10, TimeUnit.SECONDS)).isEqualTo("fits");
  }

  @Test
  void aStreamOpenedAfterTheEndRunsNothingAndItsRequestsMayGoElsewhere() throws Exception {
    streams.endAll();
    ListenableFuture<String> refused = put("a");
    try {
      refused.get(10, TimeUnit.SECONDS);
      throw new AssertionError("a request on a stream opened after the end was answered");
    } catch (ExecutionException e) {
      assertThat(CallFailures.neverSent(((StatusRuntimeException) e.getCause()).getStatus())).isTrue();
    }
    assertThat(handled).isEmpty();
  }
}
