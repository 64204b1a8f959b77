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
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A member's gRPC server: the peer service and the standard health service, which reports
 * NOT_SERVING until the member has joined and again while it leaves.
 */
public final class PeerServer implements AutoCloseable {

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();

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

  /**
   * What one caller may take of this server. Calls past {@code callsPerConnection} on one
   * connection wait in the caller's queue (HTTP/2 refuses to open more streams), not in ours.
   */
  public static final class Limits {
    final int maxMessageBytes;
    final int callsPerConnection;

    public Limits(int maxMessageBytes, int callsPerConnection) {
      this.maxMessageBytes = maxMessageBytes;
      this.callsPerConnection = callsPerConnection;
    }
  }

  /** Headers are a few names and a proof; anything bigger is not from a member or client. */
  private static final int MAX_HEADER_BYTES = 8 * 1024;
  /** Peers do not ping; one that pings more often than this is misbehaving and is cut off. */
  private static final long PERMITTED_PING_SECONDS = 30;
  /** Pings an idle connection this often, so a caller that vanished frees its connection. */
  private static final long PING_IDLE_SECONDS = 60;
  /**
   * Connections are renewed after an hour, so none holds resources forever; calls already open
   * (a get stream lives as long as its caller) may finish.
   */
  private static final long MAX_CONNECTION_AGE_MINUTES = 60;
  /** A TLS handshake that takes longer is abandoned, so half-open connections cannot pile up. */
  private static final long HANDSHAKE_SECONDS = 10;

  /**
   * {@code onCall} hears the bare name of every call's method as it arrives, so the member can
   * count how requests fan out; it runs on the transport thread and must not block.
   */
  public PeerServer(String host, int port, Tls tls, Limits limits, BindableService peer,
      ServerInterceptor authentication, Consumer<String> onCall) {
    ServerCredentials credentials = credentials(tls);
    // Calls arrive on the transport's threads: the peer service moves whatever may block
    // (loaders, writers, listeners, backups, decoding) to its bounded pools, and answers plain
    // reads in place.
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials)
        .addService(ServerInterceptors.intercept(peer, new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
              ServerCallHandler<Q, A> next) {
            onCall.accept(call.getMethodDescriptor().getBareMethodName());
            return next.startCall(call, headers);
          }
        }, authentication))
        .addService(health.getHealthService())
        .maxInboundMessageSize(limits.maxMessageBytes)
        .maxInboundMetadataSize(MAX_HEADER_BYTES)
        .maxConcurrentCallsPerConnection(limits.callsPerConnection)
        .permitKeepAliveTime(PERMITTED_PING_SECONDS, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(false)
        .keepAliveTime(PING_IDLE_SECONDS, TimeUnit.SECONDS)
        .maxConnectionAge(MAX_CONNECTION_AGE_MINUTES, TimeUnit.MINUTES)
        .maxConnectionAgeGrace(Long.MAX_VALUE, TimeUnit.NANOSECONDS)
        .handshakeTimeout(HANDSHAKE_SECONDS, TimeUnit.SECONDS)
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
