package io.kamacache.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kamacache.proto.v1.CopyRequest;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.KeyRequest;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.proto.v1.ValueResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The proof of membership on a real server: who gets through, and who the service then sees. */
class PeerAuthenticationTest {

  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final List<AutoCloseable> open = new ArrayList<>();

  /** Answers a get with the caller's identity as the service sees it; backups are just done. */
  private static final class Echo extends PeerGrpc.PeerImplBase {
    @Override public void get(KeyRequest request, StreamObserver<ValueResponse> observer) {
      PeerIdentity identity = PeerIdentity.CURRENT.get();
      observer.onNext(ValueResponse.newBuilder().setValue(ByteString.copyFromUtf8(String.valueOf(identity))).build());
      observer.onCompleted();
    }

    @Override public void backup(CopyRequest request, StreamObserver<DoneResponse> observer) {
      observer.onNext(DoneResponse.getDefaultInstance());
      observer.onCompleted();
    }
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
  }

  private String serve(PeerAuthentication authentication) {
    PeerServer server = new PeerServer("127.0.0.1", 0, null, new PeerServer.Limits(1 << 20, 16), new Echo(),
        authentication.server(), method -> { }).start();
    open.add(server);
    return "127.0.0.1:" + server.port();
  }

  private PeerGrpc.PeerBlockingStub caller(String address, PeerAuthentication as, String id) {
    io.grpc.ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(address, InsecureChannelCredentials.create());
    if (as != null) {
      builder.intercept(as.client(id));
    }
    ManagedChannel channel = builder.build();
    open.add(channel::shutdownNow);
    return PeerGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static void refused(Status.Code code, Runnable call, String message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).contains(message);
    });
  }

  @Test
  void aProofIsTheHmacOfTheIdUnderTheSecret() {
    PeerAuthentication one = new PeerAuthentication("c", SECRET, false, Set.of());
    assertThat(one.proof("m1")).isEqualTo(new PeerAuthentication("c", SECRET, false, Set.of()).proof("m1"))
        .isNotEqualTo(one.proof("m2")).hasSize(64);
    assertThat(new PeerAuthentication("c", new byte[32], false, Set.of()).proof("m1")).isNotEqualTo(one.proof("m1"));
  }

  @Test
  void onlyCallersThatKnowTheSecretGetThroughAndTheServiceSeesTheirId() {
    PeerAuthentication cluster = new PeerAuthentication("c", SECRET, false, Set.of("Backup"));
    String address = serve(cluster);
    KeyRequest get = KeyRequest.getDefaultInstance();

    refused(Status.Code.UNAUTHENTICATED, () -> caller(address, null, null).get(get), "carries no proof");
    refused(Status.Code.UNAUTHENTICATED, () -> caller(address, new PeerAuthentication("c", new byte[32], false,
        Set.of()), "m1").get(get), "does not match");
    refused(Status.Code.UNAUTHENTICATED, () -> caller(address, cluster, "m 1; drop").get(get), "not a KamaCache");

    assertThat(caller(address, cluster, "m1").get(get).getValue().toStringUtf8()).isEqualTo("member 'm1' (cluster secret)");
    // A secret-holder may call member-only methods as far as authentication goes; the ring decides the rest.
    assertThat(caller(address, cluster, "m1").backup(CopyRequest.getDefaultInstance())).isNotNull();
  }

  @Test
  void whereCertificatesAreAskedForTheSecretIsNotEnough() {
    String address = serve(new PeerAuthentication("c", SECRET, true, Set.of("Backup")));
    refused(Status.Code.UNAUTHENTICATED, () -> caller(address, new PeerAuthentication("c", SECRET, false, Set.of()), "m1")
        .get(KeyRequest.getDefaultInstance()), "mutual TLS only");
  }
}
