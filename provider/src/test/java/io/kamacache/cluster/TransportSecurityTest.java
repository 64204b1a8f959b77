package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.kamacache.codec.WireCodec;
import io.kamacache.proto.v1.Error;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.InvokeRequest;
import io.kamacache.proto.v1.KeyRequest;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.proto.v1.ValueResponse;
import io.kamacache.testsupport.Certificates;
import io.kamacache.testsupport.EtcdExtension;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** mTLS and one-way TLS between members, and requests that are malformed, disallowed or too large. */
class TransportSecurityTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private Members members;
  private ManagedChannel channel;

  @BeforeEach
  void newCluster() {
    members = new Members(etcd.endpoint());
  }

  @AfterEach
  void close() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    members.close();
  }

  private static void awaitMembers(CacheManager manager, int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Members.node(manager).ring().members().size() != count) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  private static Map<String, String> tls(Certificates certificates, Path[] own) {
    return Map.of(ClusterConfig.TLS_CERT, own[0].toString(), ClusterConfig.TLS_KEY, own[1].toString(),
        ClusterConfig.TLS_TRUST, certificates.caCert().toString(), ClusterConfig.TLS_CLIENT_AUTH, "true");
  }

  private HealthCheckResponse.ServingStatus health(ChannelCredentials credentials, String address) {
    channel = Grpc.newChannelBuilder(address, credentials).build();
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }

  @Test
  void membersWithMutualTlsWorkTogetherAndRefuseAPeerWithoutTheRightCertificate() throws Exception {
    try (Certificates certificates = Certificates.create()) {
      withMutualTls(certificates);
    }
  }

  private void withMutualTls(Certificates certificates) throws Exception {
    CacheManager a = members.open("tls-a", tls(certificates, certificates.signed("tls-a")));
    CacheManager b = members.open("tls-b", tls(certificates, certificates.signed("tls-b")));
    awaitMembers(a, 2);
    Cache<String, String> cache = a.createCache("secure", new MutableConfiguration<String, String>());
    for (int i = 0; i < 50; i++) {
      cache.put("k" + i, "v" + i);
    }
    Cache<String, String> viaB = b.getCache("secure");
    for (int i = 0; i < 50; i++) {
      assertThat(viaB.get("k" + i)).isEqualTo("v" + i);
    }
    String address = Members.node(a).address();

    Path[] rogue = certificates.rogue("rogue");
    ChannelCredentials rogueCredentials = TlsChannelCredentials.newBuilder()
        .trustManager(certificates.caCert().toFile()).keyManager(rogue[0].toFile(), rogue[1].toFile()).build();
    assertThatThrownBy(() -> health(rogueCredentials, address)).isInstanceOf(StatusRuntimeException.class);
    channel.shutdownNow();

    ChannelCredentials noCertificate = TlsChannelCredentials.newBuilder().trustManager(certificates.caCert().toFile()).build();
    assertThatThrownBy(() -> health(noCertificate, address)).isInstanceOf(StatusRuntimeException.class);
    channel.shutdownNow();

    assertThatThrownBy(() -> health(InsecureChannelCredentials.create(), address)).isInstanceOf(StatusRuntimeException.class);
    channel.shutdownNow();

    Path[] good = certificates.signed("operator");
    ChannelCredentials trusted = TlsChannelCredentials.newBuilder()
        .trustManager(certificates.caCert().toFile()).keyManager(good[0].toFile(), good[1].toFile()).build();
    assertThat(health(trusted, address)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void oneWayTlsWorksWithoutClientCertificatesAndRefusesPlaintextAndUntrustedServers() throws Exception {
    try (Certificates certificates = Certificates.create()) {
      withOneWayTls(certificates);
    }
  }

  private void withOneWayTls(Certificates certificates) throws Exception {
    Map<String, String> settingsA = oneWay(certificates, certificates.signed("one-way-a"));
    CacheManager a = members.open("one-way-a", settingsA);
    CacheManager b = members.open("one-way-b", oneWay(certificates, certificates.signed("one-way-b")));
    awaitMembers(a, 2);
    awaitMembers(b, 2);
    Members.assertShareACache(a, b, "one-way", 50);
    String address = Members.node(a).address();

    // Trusting the CA is all a client needs: the member does not ask for a certificate.
    ChannelCredentials trustOnly = TlsChannelCredentials.newBuilder().trustManager(certificates.caCert().toFile()).build();
    assertThat(health(trustOnly, address)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    channel.shutdownNow();

    assertThatThrownBy(() -> health(InsecureChannelCredentials.create(), address)).isInstanceOf(StatusRuntimeException.class);
    channel.shutdownNow();

    // A client that does not trust the member's CA refuses the member.
    Path[] rogue = certificates.rogue("one-way-rogue");
    ChannelCredentials trustsOtherCa = TlsChannelCredentials.newBuilder().trustManager(rogue[0].toFile()).build();
    assertThatThrownBy(() -> health(trustsOtherCa, address)).isInstanceOf(StatusRuntimeException.class);
  }

  /** The member's own certificate, and the CA its channels trust; client-auth turned off. */
  private static Map<String, String> oneWay(Certificates certificates, Path[] own) {
    return Map.of(ClusterConfig.TLS_CERT, own[0].toString(), ClusterConfig.TLS_KEY, own[1].toString(),
        ClusterConfig.TLS_TRUST, certificates.caCert().toString(), ClusterConfig.TLS_CLIENT_AUTH, "false");
  }

  /** Sends raw bytes where a request belongs. */
  private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void malformedDisallowedAndOversizedRequestsGetErrorsAndTheMemberKeepsServing() {
    CacheManager a = members.open("solo", Map.of(ClusterConfig.MAX_MESSAGE, "65536"));
    awaitMembers(a, 1);
    Cache<String, String> cache = a.createCache("robust", new MutableConfiguration<String, String>());
    cache.put("k", "v");
    channel = RawPeer.withSecret(etcd.endpoint(), members.cluster(), Members.node(a).address(), "solo");
    PeerGrpc.PeerBlockingStub peer = PeerGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    Header header = Header.newBuilder().setCache("robust").setEpoch(Members.node(a).ring().epoch()).build();

    // Bytes that are not a protobuf message at all.
    MethodDescriptor<byte[], byte[]> rawGet = PeerGrpc.getGetMethod().toBuilder(new RawBytes(), new RawBytes()).build();
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, rawGet,
        io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[] {(byte) 0xff, (byte) 0xff, 0x0f}))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isNotEqualTo(Status.Code.OK));

    // A key with an unknown type tag.
    ValueResponse badKey = peer.get(KeyRequest.newBuilder().setHeader(header)
        .setKey(ByteString.copyFrom(new byte[] {42, 1, 2, 3})).build());
    assertThat(badKey.getError().getCode()).isEqualTo(Error.Code.CODEC);

    // A processor of a class outside the allow-list is never deserialized.
    byte[] disallowed = new WireCodec(List.of("java.io.File")).encode(new java.io.File("/etc/passwd"));
    ValueResponse refused = peer.invoke(InvokeRequest.newBuilder().setHeader(header)
        .setKey(ByteString.copyFrom(new WireCodec(List.of()).encode("k")))
        .setProcessor(ByteString.copyFrom(disallowed)).build());
    assertThat(refused.getError().getCode()).isEqualTo(Error.Code.CODEC);
    assertThat(refused.getError().getMessage()).contains("REJECTED");

    // An unknown cache.
    ValueResponse unknown = peer.get(KeyRequest.newBuilder().setHeader(header.toBuilder().setCache("nope"))
        .setKey(ByteString.copyFrom(new WireCodec(List.of()).encode("k"))).build());
    assertThat(unknown.getError().getCode()).isEqualTo(Error.Code.UNKNOWN_CACHE);

    // A message over the member's limit.
    assertThatThrownBy(() -> peer.put(io.kamacache.proto.v1.PutRequest.newBuilder().setHeader(header)
        .setKey(ByteString.copyFrom(new WireCodec(List.of()).encode("big")))
        .setValue(ByteString.copyFrom(new byte[200_000])).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

    // Still serving.
    assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(cache.get("k")).isEqualTo("v");
    assertThat(valueOf(peer.get(KeyRequest.newBuilder().setHeader(header)
        .setKey(ByteString.copyFrom(new WireCodec(List.of()).encode("k"))).build()))).isEqualTo("v");
  }

  private static Object valueOf(ValueResponse response) {
    assertThat(response.hasError()).as("error %s", response.getError()).isFalse();
    return new WireCodec(List.of()).decode(response.getValue().toByteArray(), TransportSecurityTest.class.getClassLoader());
  }

  @Test
  void aBadSettingFailsWithAnErrorThatNamesIt() {
    assertThatThrownBy(() -> members.open("bad", Map.of(ClusterConfig.LEASE_TTL, "soon")))
        .hasMessageContaining(ClusterConfig.LEASE_TTL);
    assertThatThrownBy(() -> members.open("bad2", Map.of(ClusterConfig.ENDPOINTS, "localhost")))
        .hasMessageContaining(ClusterConfig.ENDPOINTS);
    assertThatThrownBy(() -> members.open("bad3", Map.of(ClusterConfig.TLS_CERT, "/nonexistent.crt")))
        .hasMessageContaining(ClusterConfig.TLS_CERT);
  }
}
