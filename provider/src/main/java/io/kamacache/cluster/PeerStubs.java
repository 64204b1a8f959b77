package io.kamacache.cluster;

import com.google.common.util.concurrent.MoreExecutors;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.transport.Awaiting;
import io.kamacache.transport.PeerCalls;
import io.kamacache.transport.PeerChannels;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Calls from this node to other members: a channel per address, stubs under the request deadline,
 * and one {@link Awaiting} that every caller here waits through.
 */
final class PeerStubs implements AutoCloseable {

  private final PeerChannels channels;
  private final Awaiting awaiting;
  private final long timeoutMillis;

  PeerStubs(PeerChannels channels, Awaiting awaiting, Duration timeout) {
    this.channels = channels;
    this.awaiting = awaiting;
    this.timeoutMillis = timeout.toMillis();
  }

  /** Calls to {@code member}, each under the request deadline, waited for as {@link PeerCalls} says. */
  PeerCalls stub(HashRing.Member member) {
    return new PeerCalls(PeerGrpc.newFutureStub(channels.channel(member.address()))
        .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS), awaiting);
  }

  /** Calls to {@code member} under a deadline of their own, {@code nanos} from now. */
  PeerCalls stub(HashRing.Member member, long nanos) {
    return new PeerCalls(PeerGrpc.newFutureStub(channels.channel(member.address()))
        .withDeadlineAfter(nanos, TimeUnit.NANOSECONDS), awaiting);
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

  /** Closes the channels to addresses no longer in the ring. */
  void retainOnly(Set<String> addresses) {
    channels.retainOnly(addresses);
  }

  @Override
  public void close() {
    channels.close();
  }
}
