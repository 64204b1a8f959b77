package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.kamacache.codec.WireCodec;
import io.kamacache.proto.v1.CacheRequest;
import io.kamacache.proto.v1.CopyRequest;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.FlagResponse;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.KeyRequest;
import io.kamacache.proto.v1.KeysRequest;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.proto.v1.PutRequest;
import io.kamacache.proto.v1.ValueResponse;
import io.kamacache.proto.v1.ValuesResponse;
import io.kamacache.testsupport.EtcdExtension;
import io.kamacache.testsupport.MemberProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The attacks of issue 12, against a member in its own JVM (256 MiB heap): each must get an
 * error within a bounded time while the member stays SERVING, keeps its lease, stays under the
 * thread and memory limits below, and no cache content changes. The attacker holds the cluster
 * secret (it could read etcd), which is the most a plaintext cluster lets an outsider have; the
 * attacks without it are refused before any byte is decoded (PeerAuthorizationTest).
 */
class AttackSuiteTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  /**
   * Threads the member may reach under attack: two bounded pools of 64 (kamacache.server.threads)
   * plus gRPC's, Netty's, jetcd's and the JVM's own, which stay under a hundred.
   */
  private static final int MAX_THREADS = 300;
  /** Resident memory the member may reach: its 256 MiB heap plus metaspace, code and direct buffers. */
  private static final long MAX_RSS_BYTES = 768L << 20;
  /** Every attack call is answered, one way or another, within this. */
  private static final long ANSWER_SECONDS = 60;

  private static final WireCodec CODEC = new WireCodec(List.of());

  private static Members members;
  private static MemberProcess target;
  private static CacheManager client;
  private static Cache<String, String> cache;
  private static Map<String, String> before;
  private static final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void start() {
    members = new Members(etcd.endpoint());
    target = MemberProcess.start(members.settings("target", Map.of()));
    client = members.open("client", Map.of(ClusterConfig.ROLE, "client"));
    cache = client.createCache("data", new MutableConfiguration<String, String>());
    for (int i = 0; i < 100; i++) {
      cache.put("k" + i, "v" + i);
    }
    before = contents();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    members.close();
    target.close();
  }

  /** After each attack: still serving, still in the ring, within limits, the data untouched. */
  @AfterEach
  void memberIsUnharmed() throws IOException {
    assertThat(target.isAlive()).isTrue();
    ManagedChannel channel = attacker();
    assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(Members.node(client).ring().members()).containsKey("target");
    Map<String, Long> status = status();
    System.out.println("[attack] member after the attack: " + status);
    assertThat(status.get("Threads")).isLessThanOrEqualTo(MAX_THREADS);
    assertThat(status.get("VmRSS") * 1024).isLessThanOrEqualTo(MAX_RSS_BYTES);
    assertThat(contents()).isEqualTo(before);
  }

  private static Map<String, String> contents() {
    Map<String, String> contents = new HashMap<>();
    for (Cache.Entry<String, String> entry : cache) {
      contents.put(entry.getKey(), entry.getValue());
    }
    return contents;
  }

  /** The member's thread count and resident memory (kB), from /proc. */
  private static Map<String, Long> status() throws IOException {
    Map<String, Long> status = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/" + target.pid() + "/status"))) {
      String[] parts = line.split("\\s+");
      if (parts[0].equals("Threads:") || parts[0].equals("VmRSS:") || parts[0].equals("VmHWM:")) {
        status.put(parts[0].substring(0, parts[0].length() - 1), Long.parseLong(parts[1]));
      }
    }
    return status;
  }

  private static ManagedChannel attacker() {
    ManagedChannel channel = RawPeer.withSecret(etcd.endpoint(), members.cluster(), target.address(), "attacker");
    channels.add(channel);
    return channel;
  }

  private static Header header() {
    return Header.newBuilder().setCache("data").setEpoch(Members.node(client).mxbean().getEpoch()).setSender("attacker").build();
  }

  private static PeerGrpc.PeerBlockingStub blocking(ManagedChannel channel) {
    return PeerGrpc.newBlockingStub(channel).withDeadlineAfter(ANSWER_SECONDS, TimeUnit.SECONDS);
  }

  /** ysoserial's SerialDOS shape: each level's two sets both hold the next level's two, so hashing doubles per level. */
  static byte[] serialDos(int depth) {
    return serialDos(2, depth);
  }

  /**
   * SerialDOS {@code width} sets wide: every set of a level holds every set of the next, so
   * hashing the root visits {@code width^depth} sets, in a value of a few kilobytes.
   */
  static byte[] serialDos(int width, int depth) {
    Set<Object> root = new HashSet<>();
    List<Set<Object>> level = List.of(root);
    for (int i = 0; i < depth; i++) {
      List<Set<Object>> next = new ArrayList<>();
      for (int j = 0; j < width; j++) {
        Set<Object> set = new HashSet<>();
        set.add(j); // so that the sets of a level differ while they are added
        next.add(set);
      }
      for (Set<Object> set : level) {
        set.addAll(next);
      }
      level = next;
    }
    return CODEC.encode(root);
  }

  /** A serialized {@code long[]} whose header declares {@code length} elements, and none follow. */
  static byte[] hugeArrayHeader(int length) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new long[1]);
    }
    byte[] one = bytes.toByteArray();
    // The stream ends with the length (4 bytes) and the one element (8 bytes).
    ByteBuffer forged = ByteBuffer.allocate(1 + one.length - 8);
    forged.put((byte) 9).put(one, 0, one.length - 12).putInt(length);
    return forged.array();
  }

  @Test
  void forgedWritesBackupsAndHandoffsWithoutProofAreRefused() {
    ManagedChannel raw = RawPeer.unauthenticated(target.address());
    channels.add(raw);
    PeerGrpc.PeerBlockingStub peer = blocking(raw);
    for (Runnable call : List.<Runnable>of(
        () -> peer.put(PutRequest.newBuilder().setHeader(header()).setKey(bytes("k1")).setValue(bytes("forged")).build()),
        () -> peer.clear(CacheRequest.newBuilder().setHeader(header()).build()),
        () -> peer.backup(CopyRequest.newBuilder().setHeader(header()).build()),
        () -> peer.handoff(CopyRequest.newBuilder().setHeader(header()).setLeaving(true).build()))) {
      assertStatus(call, Status.Code.UNAUTHENTICATED);
    }
    // With the secret but outside the ring, the member-only methods are still refused.
    PeerGrpc.PeerBlockingStub outsider = blocking(attacker());
    assertStatus(() -> outsider.backup(CopyRequest.newBuilder().setHeader(header()).build()), Status.Code.PERMISSION_DENIED);
    assertStatus(() -> outsider.handoff(CopyRequest.newBuilder().setHeader(header()).setLeaving(true).build()),
        Status.Code.PERMISSION_DENIED);
  }

  private static void assertStatus(Runnable call, Status.Code code) {
    try {
      call.run();
      throw new AssertionError("the call succeeded; expected " + code);
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
    }
  }

  private static ByteString bytes(Object value) {
    return ByteString.copyFrom(CODEC.encode(value));
  }

  @Test
  void aSerialDosKeyOrValueGetsACodecErrorAndCostsTheMemberLittle() {
    PeerGrpc.PeerBlockingStub peer = blocking(attacker());
    ByteString bomb = ByteString.copyFrom(serialDos(36));
    ValueResponse asKey = peer.get(KeyRequest.newBuilder().setHeader(header()).setKey(bomb).build());
    assertThat(asKey.getError().getCode()).as(asKey.getError().toString()).isEqualTo(io.kamacache.proto.v1.Error.Code.CODEC);
    ValueResponse asValue = peer.put(PutRequest.newBuilder().setHeader(header()).setKey(bytes("k1")).setValue(bomb).build());
    assertThat(asValue.getError().getCode()).isEqualTo(io.kamacache.proto.v1.Error.Code.CODEC);
    assertThat(asValue.getError().getMessage()).contains("depth");
  }

  @Test
  void aWiderHashBombWithinTheDepthLimitGetsACodecError() {
    PeerGrpc.PeerBlockingStub peer = blocking(attacker());
    // Four sets a level, 13 levels: 2 KB, within the depth limit, 3.3 s of a core to decode unchecked.
    ValueResponse response = peer.put(PutRequest.newBuilder().setHeader(header()).setKey(bytes("k1"))
        .setValue(ByteString.copyFrom(serialDos(4, 13))).build());
    assertThat(response.getError().getCode()).as(response.getError().toString())
        .isEqualTo(io.kamacache.proto.v1.Error.Code.CODEC);
    assertThat(response.getError().getMessage()).contains(ClusterConfig.SERIALIZATION_MAX_HASH_WORK);
  }

  @Test
  void aHugeArrayHeaderGetsACodecErrorWithoutTheAllocation() throws IOException {
    PeerGrpc.PeerBlockingStub peer = blocking(attacker());
    for (int length : new int[] {Integer.MAX_VALUE - 8, 1 << 25, 1 << 25, 1 << 25, 1 << 25}) {
      ValueResponse response = peer.put(PutRequest.newBuilder().setHeader(header()).setKey(bytes("k1"))
          .setValue(ByteString.copyFrom(hugeArrayHeader(length))).build());
      assertThat(response.getError().getCode()).as(response.getError().toString())
          .isEqualTo(io.kamacache.proto.v1.Error.Code.CODEC);
    }
  }

  @Test
  void tenThousandConcurrentCallsAreAllAnsweredOrRefusedAtOnce() throws InterruptedException {
    PeerGrpc.PeerStub peer = PeerGrpc.newStub(attacker()).withDeadlineAfter(ANSWER_SECONDS, TimeUnit.SECONDS);
    int calls = 10_000;
    Outcomes<FlagResponse> outcomes = new Outcomes<>(calls);
    for (int i = 0; i < calls; i++) {
      // A loader-less miss and a hit alternate; a containsKey always leaves the transport thread.
      peer.containsKey(KeyRequest.newBuilder().setHeader(header()).setKey(bytes("k" + (i % 200))).build(),
          outcomes);
    }
    assertThat(outcomes.answered.await(ANSWER_SECONDS + 10, TimeUnit.SECONDS)).isTrue();
    System.out.println("[attack] 10,000 concurrent calls: " + outcomes.byCode);
    assertThat(outcomes.byCode.keySet()).isSubsetOf(Status.Code.OK, Status.Code.RESOURCE_EXHAUSTED);
  }

  @Test
  void aGetStreamWhoseAnswersAreNeverReadStopsItselfNotTheMember() throws Exception {
    ManagedChannel channel = attacker();
    ClientCall<KeysRequest, ValuesResponse> call = channel.newCall(PeerGrpc.getGetBatchesMethod(),
        CallOptions.DEFAULT.withDeadlineAfter(ANSWER_SECONDS, TimeUnit.SECONDS));
    call.start(new ClientCall.Listener<>() {}, new Metadata()); // and never call.request(): no answer is read
    KeysRequest.Builder batch = KeysRequest.newBuilder().setHeader(header());
    for (int i = 0; i < 100; i++) {
      batch.addKeys(bytes("k" + i));
    }
    KeysRequest request = batch.build();
    int sent = 0;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < until && sent < 200_000) {
      // Each batch answers with ~1 KiB; unread, they would pile up in the member.
      if (call.isReady()) {
        call.sendMessage(request);
        sent++;
      } else {
        Thread.sleep(1);
      }
    }
    System.out.println("[attack] batches the member let the stalled stream send: " + sent);
    // The member reads a batch only once its answer went out and the caller takes answers: the
    // stream's two 1 MiB flow-control windows hold about 3,500 of these ~600-byte batches, where a
    // member that kept reading would take them for the whole 10 s.
    assertThat(sent).isLessThan(10_000);
    // Others are served meanwhile.
    assertThat(blocking(attacker()).get(KeyRequest.newBuilder().setHeader(header()).setKey(bytes("k1")).build())
        .getValue()).isEqualTo(bytes("v1"));
    call.cancel("done", null);
  }

  @Test
  void aFloodOfRefreshCallsCostsNeitherThreadsNorTheLease() throws InterruptedException {
    PeerGrpc.PeerStub peer = PeerGrpc.newStub(attacker()).withDeadlineAfter(ANSWER_SECONDS, TimeUnit.SECONDS);
    int calls = 5_000;
    Outcomes<DoneResponse> outcomes = new Outcomes<>(calls);
    for (int i = 0; i < calls; i++) {
      peer.refresh(CacheRequest.newBuilder().setHeader(header()).build(), outcomes);
    }
    assertThat(outcomes.answered.await(ANSWER_SECONDS + 10, TimeUnit.SECONDS)).isTrue();
    System.out.println("[attack] 5,000 concurrent Refresh calls: " + outcomes.byCode);
    assertThat(outcomes.byCode.keySet()).isSubsetOf(Status.Code.OK, Status.Code.RESOURCE_EXHAUSTED);
  }

  /** Counts how many async calls ended with each status, and when all have. */
  private static final class Outcomes<T> implements StreamObserver<T> {
    final CountDownLatch answered;
    final Map<Status.Code, Integer> byCode = new ConcurrentHashMap<>();

    Outcomes(int calls) {
      answered = new CountDownLatch(calls);
    }

    @Override public void onNext(T value) {
    }

    @Override public void onError(Throwable t) {
      byCode.merge(Status.fromThrowable(t).getCode(), 1, Integer::sum);
      answered.countDown();
    }

    @Override public void onCompleted() {
      byCode.merge(Status.Code.OK, 1, Integer::sum);
      answered.countDown();
    }
  }
}
