package io.kamacache.transport;

import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One long-lived channel per peer address, reused by every call to that peer, with the same TLS
 * material the server uses: a client that cannot speak TLS could never reach a TLS member.
 */
public final class PeerChannels implements AutoCloseable {

  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final ChannelCredentials credentials;
  private final int maxMessageBytes;
  private final ClientInterceptor[] interceptors;

  /**
   * @param interceptors see every call: one adds this caller's proof of membership, others may
   *     count and time the calls
   */
  public PeerChannels(PeerServer.Tls tls, int maxMessageBytes, ClientInterceptor... interceptors) {
    this.credentials = credentials(tls);
    this.maxMessageBytes = maxMessageBytes;
    this.interceptors = interceptors.clone();
  }

  private static ChannelCredentials credentials(PeerServer.Tls tls) {
    return tls == null ? InsecureChannelCredentials.create()
        : credentials(tls.trust, tls.certChain, tls.privateKey, false, "the member's TLS certificate or key");
  }

  /**
   * Client credentials: TLS, trusting {@code trust} (or the JVM's default trust when null) and
   * presenting {@code certChain} with {@code privateKey} when given, if any file is given or
   * {@code tls} asks for it; plain text otherwise. {@code what} names the files in the error.
   */
  public static ChannelCredentials credentials(Path trust, Path certChain, Path privateKey, boolean tls, String what) {
    if (!tls && certChain == null && trust == null) {
      return InsecureChannelCredentials.create();
    }
    try {
      TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
      if (trust != null) {
        builder.trustManager(trust.toFile());
      }
      if (certChain != null) {
        builder.keyManager(certChain.toFile(), privateKey.toFile());
      }
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + what, e);
    }
  }

  public ManagedChannel channel(String address) {
    return channels.computeIfAbsent(address, a -> Grpc.newChannelBuilder(a, credentials)
        .maxInboundMessageSize(maxMessageBytes)
        .intercept(interceptors)
        // gRPC's retry layer wraps every call, which was half the CPU of starting one (a put
        // starts two). Members retry refusals themselves and never resend a write that may have
        // arrived (see the cluster package's CallFailures); they drain before their server stops.
        .disableRetry()
        .build());
  }

  /** Closes the channels of peers that are no longer members. */
  public void retainOnly(Set<String> addresses) {
    channels.entrySet().removeIf(entry -> {
      if (addresses.contains(entry.getKey())) {
        return false;
      }
      entry.getValue().shutdown();
      return true;
    });
  }

  @Override
  public void close() {
    for (ManagedChannel channel : channels.values()) {
      channel.shutdown();
    }
    for (ManagedChannel channel : channels.values()) {
      try {
        if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        channel.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    channels.clear();
  }
}
