package io.kamacache.cluster;

import io.grpc.StatusRuntimeException;
import io.kamacache.proto.v1.CacheRequest;
import io.kamacache.proto.v1.Header;

/**
 * Asks every other member to read the cluster's definitions and listeners from etcd again, and
 * waits until each has: a member that just wrote one makes sure the others see it before it goes on.
 */
final class ViewRefreshes {

  /**
   * Logs under {@link ClusterNode}'s name, as before it was split off, so operators' log settings still
   * apply; the name is spelled out because a class literal would make this class depend on it.
   */
  private static final System.Logger LOG = System.getLogger("io.kamacache.cluster.ClusterNode");

  private final Membership membership;
  private final PeerStubs stubs;
  private final String memberId;

  ViewRefreshes(Membership membership, PeerStubs stubs, String memberId) {
    this.membership = membership;
    this.stubs = stubs;
    this.memberId = memberId;
  }

  /** Makes every other member see what this one just wrote to etcd before we go on. */
  void everywhere() {
    HashRing ring = membership.ring();
    CacheRequest request = CacheRequest.newBuilder()
        .setHeader(Header.newBuilder().setEpoch(membership.revision()).setSender(memberId)).build();
    for (HashRing.Member member : ring.members().values()) {
      if (member.id().equals(memberId)) {
        continue;
      }
      try {
        stubs.stub(member).refresh(request);
      } catch (StatusRuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "asking {0} to re-read the definitions failed: {1}", member, e.getStatus());
      }
    }
  }
}
