package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.testsupport.EtcdExtension;
import io.kamacache.transport.PeerServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The standard gRPC health service, which load balancers and orchestrators probe. */
class MemberHealthTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void closeChannels() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private ManagedChannel channel(String address) {
    ManagedChannel channel = Grpc.newChannelBuilder(address, InsecureChannelCredentials.create()).build();
    channels.add(channel);
    return channel;
  }

  private ServingStatus check(String address) {
    return HealthGrpc.newBlockingStub(channel(address)).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }

  /**
   * Every status the member pushes, in order. The watch ends itself at NOT_SERVING: the member's
   * graceful shutdown would otherwise wait for this open stream.
   */
  private static final class Watch implements ClientResponseObserver<HealthCheckRequest, HealthCheckResponse> {
    final BlockingQueue<ServingStatus> statuses = new LinkedBlockingQueue<>();
    private volatile ClientCallStreamObserver<HealthCheckRequest> call;

    @Override public void beforeStart(ClientCallStreamObserver<HealthCheckRequest> call) {
      this.call = call;
    }

    @Override public void onNext(HealthCheckResponse response) {
      statuses.add(response.getStatus());
      if (response.getStatus() == ServingStatus.NOT_SERVING) {
        call.cancel("seen NOT_SERVING", null);
      }
    }

    @Override public void onError(Throwable t) {}

    @Override public void onCompleted() {}

    ServingStatus next() throws InterruptedException {
      ServingStatus status = statuses.poll(10, TimeUnit.SECONDS);
      assertThat(status).as("a health status within 10 s").isNotNull();
      return status;
    }
  }

  private Watch watch(String address) {
    Watch watch = new Watch();
    HealthGrpc.newStub(channel(address)).watch(HealthCheckRequest.getDefaultInstance(), watch);
    return watch;
  }

  @Test
  void anOpenMemberIsServingAndTurnsNotServingAsSoonAsItStartsToClose() throws Exception {
    try (Members members = new Members(etcd.endpoint())) {
      CacheManager manager = members.open("healthy");
      String address = Members.node(manager).address();
      assertThat(check(address)).isEqualTo(ServingStatus.SERVING);

      Watch watch = watch(address);
      assertThat(watch.next()).isEqualTo(ServingStatus.SERVING);
      manager.close();
      // Pushed over a stream the member still serves, so it came before the server stopped.
      assertThat(watch.next()).isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(watch.statuses).isEmpty();
    }
  }

  @Test
  void aStartedServerIsNotServingUntilItsMemberIsOpenAndAgainWhenItCloses() throws Exception {
    ExecutorService executor = Executors.newCachedThreadPool();
    PeerServer server = new PeerServer("127.0.0.1", 0, null, new PeerServer.Limits(1 << 20, 16), new PeerGrpc.PeerImplBase() {}, new io.kamacache.transport.PeerAuthentication("test", new byte[32], false, java.util.Set.of()).server(), method -> { }).start();
    boolean closed = false;
    try {
      String address = "127.0.0.1:" + server.port();
      assertThat(check(address)).as("started, not yet open").isEqualTo(ServingStatus.NOT_SERVING);
      server.serving(true);
      assertThat(check(address)).isEqualTo(ServingStatus.SERVING);
      server.serving(false);
      assertThat(check(address)).as("leaving").isEqualTo(ServingStatus.NOT_SERVING);
      server.serving(true);

      Watch watch = watch(address);
      assertThat(watch.next()).isEqualTo(ServingStatus.SERVING);
      server.close();
      closed = true;
      assertThat(watch.next()).isEqualTo(ServingStatus.NOT_SERVING);
    } finally {
      if (!closed) {
        server.close();
      }
      executor.shutdownNow();
    }
  }
}
