package io.kamacache.cluster;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.stub.StreamObserver;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.proto.v1.StreamedRequest;
import io.kamacache.proto.v1.StreamedResponse;
import io.kamacache.transport.Awaiting;
import io.kamacache.transport.CallStream;
import io.kamacache.transport.PeerCalls;
import io.kamacache.transport.PeerChannels;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Calls from this node to other members: a channel per address, stubs under the request deadline,
 * the streams that carry writes and their backups to each address, and one {@link Awaiting} that
 * every caller here waits through.
 */
final class PeerStubs implements AutoCloseable {

  private final PeerChannels channels;
  private final Awaiting awaiting;
  private final long timeoutMillis;
  /** Checks the timeouts of the requests on the streams below. */
  private final ScheduledExecutorService checks;
  private final CallStream.Recorder recorder;
  /** The members' message limit, which this member's setting is taken for: see {@link CallStream#carries}. */
  private final int maxMessageBytes;
  /** Per address: the stream that carries writes to it, and the one that carries backups. */
  private final Map<String, CallStream> writes = new ConcurrentHashMap<>();
  private final Map<String, CallStream> backups = new ConcurrentHashMap<>();
  private volatile boolean closed;

  PeerStubs(PeerChannels channels, Awaiting awaiting, Duration timeout, ScheduledExecutorService checks,
      CallStream.Recorder recorder, int maxMessageBytes) {
    this.channels = channels;
    this.maxMessageBytes = maxMessageBytes;
    this.awaiting = awaiting;
    this.timeoutMillis = timeout.toMillis();
    this.checks = checks;
    this.recorder = recorder;
  }

  /** Calls to {@code member}, each under the request deadline, waited for as {@link PeerCalls} says. */
  PeerCalls stub(HashRing.Member member) {
    return calls(member, PeerGrpc.newFutureStub(channels.channel(member.address()))
        .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS));
  }

  /** Calls to {@code member} under a deadline of their own, {@code nanos} from now. */
  PeerCalls stub(HashRing.Member member, long nanos) {
    return calls(member, PeerGrpc.newFutureStub(channels.channel(member.address()))
        .withDeadlineAfter(nanos, TimeUnit.NANOSECONDS));
  }

  private PeerCalls calls(HashRing.Member member, PeerGrpc.PeerFutureStub stub) {
    String address = member.address();
    return new PeerCalls(stub, awaiting, stream(writes, address, PeerGrpc.PeerStub::writes),
        stream(backups, address, PeerGrpc.PeerStub::backups));
  }

  private CallStream stream(Map<String, CallStream> streams, String address,
      BiFunction<PeerGrpc.PeerStub, StreamObserver<StreamedResponse>, StreamObserver<StreamedRequest>> method) {
    CallStream stream = streams.get(address);
    if (stream == null) {
      stream = streams.computeIfAbsent(address, a -> new CallStream(
          answers -> method.apply(PeerGrpc.newStub(channels.channel(a)).withExecutor(MoreExecutors.directExecutor()),
              answers), checks, recorder, "member at " + a, maxMessageBytes));
      if (closed) {
        stream.close(); // raced with close(): fails this caller's request rather than leaving a stream open
      }
    }
    return stream;
  }

  /**
   * For calls nobody waits for. Their observers run on the transport thread that read the answer,
   * so they must not block: they complete futures and send the next batch.
   */
  PeerGrpc.PeerStub asyncStub(HashRing.Member member) {
    return PeerGrpc.newStub(channels.channel(member.address()))
        .withExecutor(MoreExecutors.directExecutor())
        .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** For a get stream: no deadline, since the stream outlives its batches; see {@link GetBatcher}. */
  PeerGrpc.PeerStub streamStub(HashRing.Member member) {
    return PeerGrpc.newStub(channels.channel(member.address())).withExecutor(MoreExecutors.directExecutor());
  }

  /**
   * How callers here wait for their answers: one for unary calls and get streams alike, so that
   * gets share one record of how fast answers come.
   */
  Awaiting awaiting() {
    return awaiting;
  }

  /** Closes the channels and streams to addresses no longer in the ring. */
  void retainOnly(Set<String> addresses) {
    for (Map<String, CallStream> streams : List.of(writes, backups)) {
      streams.entrySet().removeIf(entry -> {
        if (addresses.contains(entry.getKey())) {
          return false;
        }
        entry.getValue().close();
        return true;
      });
    }
    channels.retainOnly(addresses);
  }

  @Override
  public void close() {
    closed = true;
    for (Map<String, CallStream> streams : List.of(writes, backups)) {
      streams.values().forEach(CallStream::close);
    }
    channels.close();
  }
}
