package io.kamacache.transport;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A member's gRPC server: the peer service and the standard health service, which reports
 * NOT_SERVING until the member has joined and again while it leaves.
 */
public final class PeerServer implements AutoCloseable {

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  /** Calls served, by method: what an operator (or a test) reads to see how requests fan out. */
  private final Map<String, LongAdder> served = new ConcurrentHashMap<>();

  /** TLS material; all null for plaintext. {@code clientAuth} asks peers for a trusted certificate. */
  public static final class Tls {
    final Path certChain;
    final Path privateKey;
    final Path trust;
    final boolean clientAuth;

    public Tls(Path certChain, Path privateKey, Path trust, boolean clientAuth) {
      this.certChain = certChain;
      this.privateKey = privateKey;
      this.trust = trust;
      this.clientAuth = clientAuth;
    }
  }

  public PeerServer(String host, int port, Tls tls, int maxMessageBytes, BindableService peer,
      ExecutorService executor) {
    ServerCredentials credentials = credentials(tls);
    // Calls arrive on the transport's threads: the peer service moves whatever may block
    // (loaders, writers, listeners, backups) to its own pool, and answers plain reads in place.
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials)
        .addService(ServerInterceptors.intercept(peer, new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
              ServerCallHandler<Q, A> next) {
            served.computeIfAbsent(call.getMethodDescriptor().getBareMethodName(), m -> new LongAdder()).increment();
            return next.startCall(call, headers);
          }
        }))
        .addService(health.getHealthService())
        .maxInboundMessageSize(maxMessageBytes)
        .directExecutor()
        .build();
    health.setStatus("", ServingStatus.NOT_SERVING);
  }

  private static ServerCredentials credentials(Tls tls) {
    if (tls == null || tls.certChain == null) {
      return InsecureServerCredentials.create();
    }
    try {
      TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder()
          .keyManager(tls.certChain.toFile(), tls.privateKey.toFile());
      if (tls.trust != null) {
        builder.trustManager(tls.trust.toFile());
      }
      if (tls.clientAuth) {
        builder.clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the member's TLS certificate or key", e);
    }
  }

  public PeerServer start() {
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the peer server", e);
    }
    return this;
  }

  /** How many calls of a peer method (its bare name, e.g. {@code GetAll}) this server has taken. */
  public long callsServed(String method) {
    LongAdder count = served.get(method);
    return count == null ? 0 : count.sum();
  }

  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  public void serving(boolean serving) {
    health.setStatus("", serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  @Override
  public void close() {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
