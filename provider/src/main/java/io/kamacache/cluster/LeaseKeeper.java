package io.kamacache.cluster;

import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kamacache.transport.PeerChannels;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends this member's lease keepalives to etcd, one short stream per keepalive, on a grpc-java
 * channel of its own. The fencing proof needs each keepalive's answer for the moment it was sent,
 * and needs it reliably: jetcd's {@code keepAliveOnce} sometimes never answered while etcd was
 * healthy (members of the chaos suite lost their leases that way during a rolling restart).
 *
 * <p>Not thread-safe: the membership's single keepalive thread is its only caller.
 */
final class LeaseKeeper implements AutoCloseable {

  private static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);

  private final List<URI> endpoints;
  private final ChannelCredentials credentials;
  private final String user;
  private final String password;
  private int endpoint;
  private volatile ManagedChannel channel;
  /** etcd's auth token when etcd has users; null until the first call needs it, or after etcd refused it. */
  private volatile String token;

  LeaseKeeper(ClusterConfig config) {
    this.endpoints = List.copyOf(config.endpoints);
    this.credentials = credentials(config);
    this.user = config.etcdUser;
    this.password = config.etcdPassword;
  }

  private static ChannelCredentials credentials(ClusterConfig config) {
    boolean https = config.endpoints.stream().anyMatch(uri -> "https".equalsIgnoreCase(uri.getScheme()));
    return PeerChannels.credentials(config.etcdTlsTrust, config.etcdTlsCert, config.etcdTlsKey, https,
        "the etcd TLS files");
  }

  /**
   * Sends one keepalive for {@code leaseId}; completes with the TTL etcd renewed it for, which is
   * 0 or less when etcd no longer has the lease, or exceptionally after {@code timeoutNanos}.
   */
  CompletableFuture<Long> keepAlive(long leaseId, long timeoutNanos) {
    CompletableFuture<Long> answer = new CompletableFuture<>();
    try {
      Channel channel = authenticated(timeoutNanos);
      StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(channel)
          .withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS)
          .leaseKeepAlive(new StreamObserver<>() {
            @Override public void onNext(LeaseKeepAliveResponse response) {
              answer.complete(response.getTTL());
            }

            @Override public void onError(Throwable t) {
              if (isAuthFailure(t)) {
                token = null; // expired or revoked: authenticate again on the next keepalive
              }
              answer.completeExceptionally(t);
            }

            @Override public void onCompleted() {
              answer.completeExceptionally(new IllegalStateException("etcd ended the keepalive without an answer"));
            }
          });
      requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(leaseId).build());
      requests.onCompleted();
    } catch (RuntimeException e) {
      answer.completeExceptionally(e);
    }
    return answer;
  }

  private Channel authenticated(long timeoutNanos) {
    Channel plain = channel();
    if (user == null) {
      return plain;
    }
    String current = token;
    if (current == null) {
      current = AuthGrpc.newBlockingStub(plain).withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS)
          .authenticate(AuthenticateRequest.newBuilder().setName(user).setPassword(password).build()).getToken();
      token = current;
    }
    String bearer = current;
    return io.grpc.ClientInterceptors.intercept(plain, new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override public void start(Listener<R> listener, Metadata headers) {
            headers.put(TOKEN, bearer);
            super.start(listener, headers);
          }
        };
      }
    });
  }

  private static boolean isAuthFailure(Throwable t) {
    Status status = t instanceof StatusRuntimeException ? ((StatusRuntimeException) t).getStatus() : null;
    return status != null && (status.getCode() == Status.Code.UNAUTHENTICATED
        || String.valueOf(status.getDescription()).contains("auth token"));
  }

  private ManagedChannel channel() {
    if (channel == null) {
      URI uri = endpoints.get(endpoint % endpoints.size());
      channel = Grpc.newChannelBuilderForAddress(uri.getHost(), uri.getPort(), credentials).build();
    }
    return channel;
  }

  /**
   * Drops the channel for a new one to the next endpoint: a channel waiting out gRPC's reconnection
   * backoff after an etcd outage tries again only after many seconds, longer than a lease lives.
   */
  void reconnect() {
    ManagedChannel old = channel;
    channel = null;
    endpoint++;
    token = null;
    if (old != null) {
      old.shutdownNow();
    }
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.shutdownNow();
    }
  }
}
