package io.kamacache.cluster;

import io.kamacache.codec.WireCodec;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.transport.Awaiting;
import io.kamacache.transport.PeerCalls;
import java.util.Map;
import java.util.Set;

/**
 * What a node's parts use to talk to the other members: the settings, who the members are now
 * ({@link Membership}), how to call them ({@link PeerStubs}) and how to encode for them. It holds
 * only these, which depend on none of the parts, so that no part needs the {@link ClusterNode}.
 */
record Peers(ClusterConfig config, Membership membership, PeerStubs stubs, WireCodec codec) {

  String memberId() {
    return config.memberId;
  }

  /** Whether this node owns keys; a client only routes its own calls. */
  boolean ownsKeys() {
    return config.role == ClusterConfig.Role.MEMBER;
  }

  HashRing ring() {
    return membership.ring();
  }

  /** The epoch requests carry: the newest etcd revision this member has read the members at. */
  long epoch() {
    return membership.revision();
  }

  void refreshRing() {
    membership.refresh();
  }

  /** Catches up with a peer that has read the members at {@code epoch}, if this member has not yet. */
  void catchUp(long epoch) {
    membership.catchUp(epoch, config.timeout.toMillis());
  }

  /** As {@link #catchUp(long)}, waiting at most {@code timeoutMillis}; returns whether it caught up. */
  boolean catchUp(long epoch, long timeoutMillis) {
    return membership.catchUp(epoch, timeoutMillis);
  }

  /** This member's current incarnation: the lease it registered under, in hex. */
  String incarnation() {
    return membership.incarnation();
  }

  long leaseId() {
    return membership.leaseId();
  }

  /** Of these members (id to incarnation), the ones that left on purpose; see {@link Membership#leftOnPurpose}. */
  Set<String> leftOnPurpose(Map<String, String> incarnations) {
    return membership.leftOnPurpose(incarnations);
  }

  /** Calls to {@code member}, each under the request deadline; see {@link PeerStubs}. */
  PeerCalls stub(HashRing.Member member) {
    return stubs.stub(member);
  }

  /** Calls to {@code member} under a deadline of their own, {@code nanos} from now. */
  PeerCalls stub(HashRing.Member member, long nanos) {
    return stubs.stub(member, nanos);
  }

  /** For calls nobody waits for; see {@link PeerStubs#asyncStub}. */
  PeerGrpc.PeerStub asyncStub(HashRing.Member member) {
    return stubs.asyncStub(member);
  }

  /** For a get stream; see {@link PeerStubs#streamStub}. */
  PeerGrpc.PeerStub streamStub(HashRing.Member member) {
    return stubs.streamStub(member);
  }

  /** How callers here wait for their answers; see {@link PeerStubs#awaiting}. */
  Awaiting awaiting() {
    return stubs.awaiting();
  }
}
