package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.proto.v1.StreamedRequest;
import io.kamacache.proto.v1.StreamedResponse;
import io.kamacache.testsupport.EtcdExtension;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every peer method, fed any request a fuzzer can make, against a real member over gRPC, from a
 * caller that proves itself as that member (so member-only paths are reached too). Whatever comes
 * in, the member answers within the deadline, with a response or a clear status, never an
 * uncaught exception (UNKNOWN) or an internal error, and keeps serving.
 *
 * <p>A plain test run replays the committed inputs in {@code PeerFuzzTestInputs}; {@code
 * scripts/fuzz.sh} fuzzes for real and adds what it finds there.
 */
class PeerFuzzTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  /** Statuses that say what went wrong with the request, or that the member is busy. */
  private static final Set<Status.Code> CLEAR = Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.PERMISSION_DENIED,
      Status.Code.RESOURCE_EXHAUSTED, Status.Code.UNIMPLEMENTED, Status.Code.CANCELLED);

  /** Peer methods in a fixed order, so that an input picks the same method in every run. */
  private static final List<MethodDescriptor<?, ?>> METHODS = methods();

  private static Members members;
  private static CacheManager member;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() {
    members = new Members(etcd.endpoint());
    // A fuzzed Lock holds its key for the lease, and the next input's change of that key waits for
    // it: a short lease keeps every input well under the fuzzer's time limit.
    member = members.open("a", java.util.Map.of(ClusterConfig.TIMEOUT, "2000", ClusterConfig.LOCK_LEASE, "200"));
    Cache<String, String> cache = member.createCache("fuzz", new MutableConfiguration<String, String>());
    for (int i = 0; i < 10; i++) {
      cache.put("k" + i, "v" + i);
    }
    channel = RawPeer.withSecret(etcd.endpoint(), members.cluster(), Members.node(member).address(), "a");
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (members != null) {
      members.close();
    }
  }

  private static List<MethodDescriptor<?, ?>> methods() {
    List<MethodDescriptor<?, ?>> methods = new ArrayList<>(PeerGrpc.getServiceDescriptor().getMethods());
    methods.sort(Comparator.comparing(MethodDescriptor::getFullMethodName));
    return methods;
  }

  @FuzzTest
  void everyPeerMethodAnswersAnyRequestClearlyAndKeepsServing(FuzzedDataProvider data) throws Exception {
    @SuppressWarnings("unchecked")
    MethodDescriptor<Object, Object> method = (MethodDescriptor<Object, Object>) data.pickValue(METHODS);
    int headerChoice = data.consumeInt(0, 2);
    Object request;
    try {
      request = method.parseRequest(new ByteArrayInputStream(data.consumeRemainingAsBytes()));
    } catch (RuntimeException notAMessage) {
      return; // gRPC refuses these before any of our code runs
    }
    request = withHeader((Message) request, headerChoice);
    try {
      call(method, request);
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).as("%s: %s", method.getBareMethodName(), e.getStatus()).isIn(CLEAR);
    }
    assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  /**
   * Keeps the fuzzer's header (0), or names the real cache (1) or a real key's cache with this
   * member as sender (2), so that requests get past the cache lookup too. An epoch ahead of the
   * member's makes it wait for etcd, which is tested elsewhere: epochs are capped at its own.
   */
  private static Message withHeader(Message request, int choice) {
    if (request instanceof StreamedRequest streamed && streamed.getRequestCase() != StreamedRequest.RequestCase.REQUEST_NOT_SET) {
      // The header is the carried request's.
      Descriptors.FieldDescriptor carried = streamed.getDescriptorForType().findFieldByNumber(
          streamed.getRequestCase().getNumber());
      return streamed.toBuilder().setField(carried, withHeader((Message) streamed.getField(carried), choice)).build();
    }
    Descriptors.FieldDescriptor field = request.getDescriptorForType().findFieldByName("header");
    if (field == null) {
      return request;
    }
    Header header = (Header) request.getField(field);
    long epoch = Members.node(member).mxbean().getEpoch();
    Header.Builder fixed = header.toBuilder().setEpoch(Math.min(header.getEpoch(), epoch));
    if (choice >= 1) {
      fixed.setCache("fuzz");
    }
    if (choice == 2) {
      fixed.setSender("a").setEpoch(epoch);
    }
    return request.toBuilder().setField(field, fixed.build()).build();
  }

  private static void call(MethodDescriptor<Object, Object> method, Object request) throws Exception {
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
    switch (method.getType()) {
      case UNARY:
        ClientCalls.blockingUnaryCall(channel, method, options, request);
        return;
      case SERVER_STREAMING:
        ClientCalls.blockingServerStreamingCall(channel, method, options, request).forEachRemaining(page -> { });
        return;
      default:
        CompletableFuture<Void> done = new CompletableFuture<>();
        List<Status> streamedFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
        StreamObserver<Object> requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(method, options),
            new StreamObserver<>() {
              @Override public void onNext(Object value) {
                // A streamed request fails as its call would: with a clear status, if any.
                if (value instanceof StreamedResponse answer && answer.getStatusCode() != 0) {
                  streamedFailures.add(Status.fromCodeValue(answer.getStatusCode())
                      .withDescription(answer.getStatusDescription()));
                }
              }

              @Override public void onError(Throwable t) {
                done.completeExceptionally(t);
              }

              @Override public void onCompleted() {
                done.complete(null);
              }
            });
        requests.onNext(request);
        requests.onCompleted();
        try {
          done.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          throw (Exception) e.getCause();
        }
        for (Status status : streamedFailures) {
          throw status.asRuntimeException();
        }
    }
  }
}
