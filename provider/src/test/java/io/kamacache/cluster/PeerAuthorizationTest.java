package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.kamacache.codec.WireCodec;
import io.kamacache.proto.v1.CacheRequest;
import io.kamacache.proto.v1.Copy;
import io.kamacache.proto.v1.CopyRequest;
import io.kamacache.proto.v1.Event;
import io.kamacache.proto.v1.EventsRequest;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.KeyRequest;
import io.kamacache.proto.v1.KeysRequest;
import io.kamacache.proto.v1.LockRequest;
import io.kamacache.proto.v1.LockResponse;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.proto.v1.PutRequest;
import io.kamacache.proto.v1.SyncRequest;
import io.kamacache.proto.v1.UnlockRequest;
import io.kamacache.testsupport.Certificates;
import io.kamacache.testsupport.EtcdExtension;
import io.kamacache.transport.PeerAuthentication;
import io.kamacache.transport.PeerIdentity;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may call a member, and what, tried the way an attacker would: with a raw gRPC client built
 * on peer.proto that is not a member. Every refused call must leave the cache as it was.
 */
class PeerAuthorizationTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private static final WireCodec CODEC = new WireCodec(List.of());

  private Members members;

  @BeforeEach
  void newCluster() {
    members = new Members(etcd.endpoint());
  }

  @AfterEach
  void close() {
    members.close();
  }

  private static PeerGrpc.PeerBlockingStub stub(ManagedChannel channel) {
    return PeerGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static ByteString bytes(Object value) {
    return ByteString.copyFrom(CODEC.encode(value));
  }

  private static Header header(CacheManager manager, String cache, String sender) {
    return Header.newBuilder().setCache(cache).setEpoch(Members.node(manager).mxbean().getEpoch()).setSender(sender).build();
  }

  private static void refusedWith(Status.Code code, Runnable call) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code));
  }

  private static Map<String, String> contents(Cache<String, String> cache) {
    Map<String, String> contents = new HashMap<>();
    for (Cache.Entry<String, String> entry : cache) {
      contents.put(entry.getKey(), entry.getValue());
    }
    return contents;
  }

  private static Cache<String, String> filled(CacheManager manager, String name) {
    Cache<String, String> cache = manager.createCache(name, new MutableConfiguration<String, String>());
    for (int i = 0; i < 20; i++) {
      cache.put("k" + i, "v" + i);
    }
    return cache;
  }

  private static CopyRequest forgedCopies(Header header, boolean leaving) {
    CopyRequest.Builder request = CopyRequest.newBuilder().setHeader(header).setLeaving(leaving);
    for (int i = 0; i < 20; i++) {
      request.addCopies(Copy.newBuilder().setKey(bytes("k" + i)).setValue(bytes("forged")).setTtlNanos(-1)
          .setVersion(Long.MAX_VALUE / 2));
    }
    return request.build();
  }

  /** Every member-only method, called with {@code header}; each must be refused with {@code code}. */
  private static void memberOnlyMethodsRefused(PeerGrpc.PeerBlockingStub peer, Header header, Status.Code code) {
    refusedWith(code, () -> peer.backup(forgedCopies(header, false)));
    refusedWith(code, () -> peer.handoff(forgedCopies(header, false)));
    refusedWith(code, () -> peer.handoff(forgedCopies(header, true)));
    refusedWith(code, () -> peer.sync(SyncRequest.newBuilder().setHeader(header).setView("forged").build()));
    refusedWith(code, () -> peer.events(EventsRequest.newBuilder().setHeader(header)
        .addEvents(Event.newBuilder().setType(Event.Type.CREATED).setKey(bytes("k1")).setValue(bytes("forged")))
        .build()));
    refusedWith(code, () -> peer.invalidate(KeysRequest.newBuilder().setHeader(header).build()));
  }

  /** Every admin method (issue 14), called with {@code header}; each must be refused with {@code code}. */
  private static void adminMethodsRefused(PeerGrpc.PeerBlockingStub peer, Header header, Status.Code code) {
    CacheRequest request = CacheRequest.newBuilder().setHeader(header).build();
    refusedWith(code, () -> peer.members(request));
    refusedWith(code, () -> peer.caches(request));
    refusedWith(code, () -> peer.stats(request));
    refusedWith(code, () -> peer.drain(request));
  }

  private static void serving(ManagedChannel channel) {
    assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void callsWithoutProofOfMembershipAreRefusedAndChangeNothing() {
    CacheManager a = members.open("a");
    Cache<String, String> cache = filled(a, "data");
    Map<String, String> before = contents(cache);
    String address = Members.node(a).address();
    Header header = header(a, "data", "a");

    for (ManagedChannel channel : List.of(members.track(RawPeer.unauthenticated(address)),
        // Knows the protocol and names a member, but not the cluster's secret.
        members.track(io.grpc.Grpc.newChannelBuilder(address, io.grpc.InsecureChannelCredentials.create())
            .intercept(new PeerAuthentication(members.cluster(), new byte[32], false, Set.of()).client("a")).build()))) {
      PeerGrpc.PeerBlockingStub peer = stub(channel);
      refusedWith(Status.Code.UNAUTHENTICATED, () -> peer.put(PutRequest.newBuilder().setHeader(header)
          .setKey(bytes("k1")).setValue(bytes("forged")).build()));
      refusedWith(Status.Code.UNAUTHENTICATED, () -> peer.clear(CacheRequest.newBuilder().setHeader(header).build()));
      refusedWith(Status.Code.UNAUTHENTICATED, () -> peer.get(KeyRequest.newBuilder().setHeader(header)
          .setKey(bytes("k1")).build()));
      refusedWith(Status.Code.UNAUTHENTICATED, () -> peer.refresh(CacheRequest.newBuilder().setHeader(header).build()));
      refusedWith(Status.Code.UNAUTHENTICATED, () -> peer.size(CacheRequest.newBuilder().setHeader(header).build()));
      refusedWith(Status.Code.UNAUTHENTICATED, () -> peer.lock(LockRequest.newBuilder().setHeader(header)
          .setKey(bytes("k1")).build()));
      refusedWith(Status.Code.UNAUTHENTICATED, () -> peer.unlock(UnlockRequest.newBuilder().setHeader(header)
          .setKey(bytes("k1")).setToken(1).setOutcome(UnlockRequest.Outcome.REMOVE).build()));
      memberOnlyMethodsRefused(peer, header, Status.Code.UNAUTHENTICATED);
      adminMethodsRefused(peer, header, Status.Code.UNAUTHENTICATED);
      serving(channel);
    }
    assertThat(contents(cache)).isEqualTo(before);
    assertThat(Members.node(a).state()).isEqualTo(MemberState.SERVING);
  }

  @Test
  void onlyMembersInTheRingMayCallMemberMethodsAndOnlyUnderTheirOwnId() {
    List<CacheManager> ab = members.openAll("a", "b");
    Cache<String, String> cache = filled(ab.get(0), "data");
    Map<String, String> before = contents(cache);

    for (CacheManager target : ab) {
      String address = Members.node(target).address();
      // Read etcd, so it has the secret, but it is in nobody's ring.
      PeerGrpc.PeerBlockingStub stranger = stub(members.track(RawPeer.withSecret(etcd.endpoint(), members.cluster(), address,
          "stranger")));
      memberOnlyMethodsRefused(stranger, header(target, "data", "stranger"), Status.Code.PERMISSION_DENIED);
      // Claims in the request to be a member it did not prove to be.
      memberOnlyMethodsRefused(stranger, header(target, "data", "a"), Status.Code.PERMISSION_DENIED);
    }
    assertThat(contents(cache)).isEqualTo(before);
    // The forged backups were not taken: once the owner of each key leaves, its backup serves the original.
    ab.get(0).close();
    Members.awaitRingSize(List.of(ab.get(1)), 1);
    assertThat(contents(ab.get(1).<String, String>getCache("data"))).isEqualTo(before);
  }

  @Test
  void malformedRequestsAreRefusedWithInvalidArgumentAndChangeNothing() {
    CacheManager a = members.open("a", Map.of(ClusterConfig.MAX_KEY, "1024"));
    Cache<String, String> cache = filled(a, "data");
    Map<String, String> before = contents(cache);
    PeerGrpc.PeerBlockingStub peer = stub(members.track(RawPeer.withSecret(etcd.endpoint(), members.cluster(),
        Members.node(a).address(), "a")));
    Header header = header(a, "data", "a");

    List<Runnable> malformed = List.of(
        () -> peer.put(PutRequest.newBuilder().setHeader(header).setModeValue(7).setKey(bytes("k1"))
            .setValue(bytes("x")).build()),
        () -> peer.put(PutRequest.newBuilder().setHeader(header).setKey(ByteString.EMPTY).setValue(bytes("x")).build()),
        () -> peer.put(PutRequest.newBuilder().setHeader(header).setKey(bytes("k".repeat(2000)))
            .setValue(bytes("x")).build()),
        () -> peer.put(PutRequest.newBuilder().setHeader(header).setKey(bytes("k1")).build()),
        () -> peer.put(PutRequest.newBuilder().setHeader(header.toBuilder().setCache("")).setKey(bytes("k1"))
            .setValue(bytes("x")).build()),
        () -> peer.remove(io.kamacache.proto.v1.RemoveRequest.newBuilder().setHeader(header).setModeValue(-3)
            .setKey(bytes("k1")).build()),
        () -> peer.replace(io.kamacache.proto.v1.ReplaceRequest.newBuilder().setHeader(header).setModeValue(99)
            .setKey(bytes("k1")).setValue(bytes("x")).build()),
        () -> peer.get(KeyRequest.newBuilder().setHeader(header.toBuilder().setEpoch(-1)).setKey(bytes("k1")).build()),
        () -> peer.size(CacheRequest.newBuilder().setHeader(header.toBuilder().setCache("")).build()),
        () -> peer.size(CacheRequest.newBuilder().setHeader(header.toBuilder().setEpoch(-1)).build()),
        () -> peer.backup(copy(header, -5)),
        () -> peer.backup(copy(header, Long.MAX_VALUE)),
        () -> peer.events(EventsRequest.newBuilder().setHeader(header)
            .addEvents(Event.newBuilder().setTypeValue(42).setKey(bytes("k1"))).build()),
        // Lock and Unlock
        () -> peer.lock(LockRequest.newBuilder().setHeader(header).setKey(ByteString.EMPTY).build()),
        () -> peer.lock(LockRequest.newBuilder().setHeader(header).setKey(bytes("k1")).setLeaseMs(-1).build()),
        () -> peer.lock(LockRequest.newBuilder().setHeader(header.toBuilder().setCache("")).setKey(bytes("k1")).build()),
        () -> peer.unlock(unlock(header).setToken(0).build()),
        () -> peer.unlock(unlock(header).setOutcomeValue(9).build()),
        () -> peer.unlock(unlock(header).setOutcome(UnlockRequest.Outcome.SET).build()),
        () -> peer.unlock(unlock(header).setOutcome(UnlockRequest.Outcome.LOADED).build()),
        () -> peer.unlock(unlock(header).setOutcome(UnlockRequest.Outcome.REMOVE).setValue(bytes("x")).build()),
        () -> peer.unlock(unlock(header).setOutcome(UnlockRequest.Outcome.SET).setValue(bytes("x")).setThrew(true).build()),
        () -> peer.unlock(unlock(header).setKey(bytes("k".repeat(2000))).build()));
    for (Runnable call : malformed) {
      refusedWith(Status.Code.INVALID_ARGUMENT, call);
    }
    assertThat(contents(cache)).isEqualTo(before);
  }

  /** A well-formed Unlock of k1 that removes it, for the malformed ones to spoil one field of. */
  private static UnlockRequest.Builder unlock(Header header) {
    return UnlockRequest.newBuilder().setHeader(header).setKey(bytes("k1")).setToken(1)
        .setOutcome(UnlockRequest.Outcome.REMOVE);
  }

  private static CopyRequest copy(Header header, long ttlNanos) {
    return CopyRequest.newBuilder().setHeader(header)
        .addCopies(Copy.newBuilder().setKey(bytes("k1")).setValue(bytes("forged")).setTtlNanos(ttlNanos).setVersion(1))
        .build();
  }

  @Test
  void withMutualTlsTheCertificateSaysWhoCallsAndWhatTheyMayCall() throws Exception {
    try (Certificates certificates = Certificates.create()) {
      CacheManager a = members.open("a", tls(certificates, certificates.signed("a")));
      CacheManager b = members.open("b", tls(certificates, certificates.signed("b")));
      Members.awaitRingSize(List.of(a, b), 2);
      // A client node with a client's certificate uses caches as any javax.cache caller does.
      Map<String, String> clientSettings = new HashMap<>(tls(certificates, certificates.client("app")));
      clientSettings.put(ClusterConfig.ROLE, "client");
      CacheManager app = members.open("app", clientSettings);
      Cache<String, String> cache = filled(app, "data");
      Map<String, String> before = contents(cache);
      String address = Members.node(a).address();

      Consumer<Path[]> asClient = files -> {
        PeerGrpc.PeerBlockingStub peer = stub(members.track(io.grpc.Grpc.newChannelBuilder(address, credentials(certificates,
            files)).build()));
        assertThat(peer.get(KeyRequest.newBuilder().setHeader(header(a, "data", "")).setKey(bytes("k1")).build())
            .hasError()).isFalse();
        // Callers of invoke are javax.cache callers: a client may lock a key for its processor.
        LockResponse locked = peer.lock(LockRequest.newBuilder().setHeader(header(a, "data", "")).setKey(bytes("k1"))
            .build());
        assertThat(locked.hasError()).isFalse();
        assertThat(peer.unlock(UnlockRequest.newBuilder().setHeader(header(a, "data", "")).setKey(bytes("k1"))
            .setToken(locked.getToken()).setOutcome(UnlockRequest.Outcome.ACCESSED).build()).hasError()).isFalse();
        memberOnlyMethodsRefused(peer, header(a, "data", ""), Status.Code.PERMISSION_DENIED);
      };
      asClient.accept(certificates.client("raw-client"));
      // A certificate from the CA that names no role gets the least: a client's rights.
      asClient.accept(certificates.signed("no-role", ""));

      // A member's certificate, but not a member in the ring.
      PeerGrpc.PeerBlockingStub stranger = stub(members.track(io.grpc.Grpc.newChannelBuilder(address,
          credentials(certificates, certificates.signed("stranger"))).build()));
      memberOnlyMethodsRefused(stranger, header(a, "data", "stranger"), Status.Code.PERMISSION_DENIED);

      // A certificate of b, a member in the ring, sending as if it were a.
      PeerGrpc.PeerBlockingStub asB = stub(members.track(io.grpc.Grpc.newChannelBuilder(address,
          credentials(certificates, certificates.signed("b"))).build()));
      memberOnlyMethodsRefused(asB, header(a, "data", "a"), Status.Code.PERMISSION_DENIED);

      // The secret alone is not enough where certificates are asked for.
      PeerGrpc.PeerBlockingStub secretOnly = stub(members.track(RawPeer.withSecret(etcd.endpoint(), members.cluster(), address,
          "a", TlsChannelCredentials.newBuilder().trustManager(certificates.caCert().toFile()).build())));
      refusedWith(Status.Code.UNAVAILABLE, () -> secretOnly.get(KeyRequest.newBuilder()
          .setHeader(header(a, "data", "a")).setKey(bytes("k1")).build()));

      assertThat(contents(cache)).isEqualTo(before);
      assertThat(contents(b.<String, String>getCache("data"))).isEqualTo(before);
    }
  }

  @Test
  void withMutualTlsClientsMayReadTheAdminMethodsButOnlyMembersAndAdminsMayDrain() throws Exception {
    try (Certificates certificates = Certificates.create()) {
      CacheManager a = members.open("a", tls(certificates, certificates.signed("a")));
      CacheManager b = members.open("b", tls(certificates, certificates.signed("b")));
      Members.awaitRingSize(List.of(a, b), 2);
      Cache<String, String> cache = filled(a, "data");
      Map<String, String> before = contents(cache);
      String address = Members.node(a).address();
      CacheRequest request = CacheRequest.newBuilder().setHeader(header(a, "data", "")).build();

      PeerGrpc.PeerBlockingStub client = stub(members.track(io.grpc.Grpc.newChannelBuilder(address,
          credentials(certificates, certificates.client("ops-reader"))).build()));
      assertThat(client.members(request).getSelf().getState()).isEqualTo("SERVING");
      assertThat(client.caches(request).getCachesList()).extracting(c -> c.getName()).containsExactly("data");
      assertThat(client.stats(request).hasError()).isFalse();
      refusedWith(Status.Code.PERMISSION_DENIED, () -> client.drain(request));
      assertThat(Members.node(a).state()).isEqualTo(MemberState.SERVING);
      assertThat(contents(cache)).isEqualTo(before);

      // An operator's certificate may read and drain, and nothing a member alone may do.
      PeerGrpc.PeerBlockingStub admin = stub(members.track(io.grpc.Grpc.newChannelBuilder(address,
          credentials(certificates, certificates.signed("ops", "/OU=" + PeerIdentity.ADMIN_UNIT))).build()));
      memberOnlyMethodsRefused(admin, header(a, "data", ""), Status.Code.PERMISSION_DENIED);
      assertThat(admin.drain(request).getState()).isEqualTo("DRAINING");
      assertThat(Members.node(a).state()).isEqualTo(MemberState.DRAINING);
      Members.awaitRingSize(List.of(b), 1);
      assertThat(contents(b.<String, String>getCache("data"))).isEqualTo(before);
    }
  }

  @Test
  void aMemberBoundToEveryInterfaceRunsWithMutualTlsOrRefusesToStart() throws Exception {
    assertThatThrownBy(() -> members.open("open", Map.of(ClusterConfig.BIND_HOST, "0.0.0.0")))
        .hasStackTraceContaining("0.0.0.0 is not a loopback address")
        .hasStackTraceContaining("scripts/make-certs.sh")
        .hasStackTraceContaining(ClusterConfig.INSECURE_PLAINTEXT);
    try (Certificates certificates = Certificates.create()) {
      Map<String, String> settings = new HashMap<>(tls(certificates, certificates.signed("wide")));
      settings.put(ClusterConfig.BIND_HOST, "0.0.0.0");
      settings.put(ClusterConfig.ADVERTISE_HOST, "127.0.0.1");
      CacheManager wide = members.open("wide", settings);
      assertThat(contents(filled(wide, "everywhere"))).hasSize(20);
      // The port takes nobody without a certificate.
      refusedWith(Status.Code.UNAVAILABLE, () -> stub(members.track(RawPeer.unauthenticated(Members.node(wide).address())))
          .get(KeyRequest.newBuilder().setHeader(header(wide, "everywhere", "x")).setKey(bytes("k1")).build()));
    }
  }

  private static ChannelCredentials credentials(Certificates certificates, Path[] files) {
    try {
      return TlsChannelCredentials.newBuilder().trustManager(certificates.caCert().toFile())
          .keyManager(files[0].toFile(), files[1].toFile()).build();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Map<String, String> tls(Certificates certificates, Path[] own) {
    return Map.of(ClusterConfig.TLS_CERT, own[0].toString(), ClusterConfig.TLS_KEY, own[1].toString(),
        ClusterConfig.TLS_TRUST, certificates.caCert().toString());
  }
}
