package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.kamacache.group.Copies;
import io.kamacache.group.Replication;
import io.kamacache.proto.v1.Copy;
import io.kamacache.proto.v1.CopyRequest;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.Header;
import java.util.List;

/**
 * Keeps a key's backups current: called by the owner's Group under the key's lock after every
 * change, it sends the new state to the key's backup members and waits for them, so a write is on
 * its backups before the owner acknowledges it. A backup that cannot be reached is skipped (it is
 * about to leave the ring, and the next ring change re-replicates). It also queues the key's
 * invalidation for the other members' near caches, when the cache has one.
 */
final class Replicator<K> implements Replication<K> {

  private static final System.Logger LOG = System.getLogger(Replicator.class.getName());

  private final ClusterNode node;
  private final String cache;
  private final Copies<K> copies;
  private final int backups;
  /** Null unless the cache has a near cache, whose copies on other members a change makes stale. */
  private final NearInvalidations invalidations;

  Replicator(ClusterNode node, String cache, Copies<K> copies, int backups, NearInvalidations invalidations) {
    this.node = node;
    this.cache = cache;
    this.copies = copies;
    this.backups = backups;
    this.invalidations = invalidations;
  }

  int backups() {
    return backups;
  }

  @Override
  public void written(K key, Object stored, long expiresAt, long now) {
    send(key, copies.view(stored), Copies.ttl(expiresAt, now));
  }

  @Override
  public void removed(K key) {
    send(key, null, Copies.NEVER);
  }

  private void send(K key, Object value, long ttlNanos) {
    if (backups == 0 && invalidations == null) {
      return;
    }
    byte[] keyBytes = node.codec().encode(key);
    if (invalidations != null) {
      invalidations.changed(cache, keyBytes);
    }
    if (backups == 0) {
      return;
    }
    HashRing ring = node.ring();
    List<HashRing.Member> targets = ring.backups(keyBytes, backups);
    if (targets.isEmpty()) {
      return;
    }
    Copy.Builder copy = Copy.newBuilder().setKey(ByteString.copyFrom(keyBytes)).setTtlNanos(ttlNanos);
    if (value != null) {
      copy.setValue(ByteString.copyFrom(node.codec().encode(value)));
    }
    CopyRequest request = CopyRequest.newBuilder()
        .setHeader(Header.newBuilder().setCache(cache).setEpoch(ring.epoch()))
        .addCopies(copy).build();
    for (HashRing.Member target : targets) {
      if (target.id().equals(node.memberId())) {
        continue;
      }
      try {
        // Not under the caller's deadline: the owner has applied the write, so its backup must
        // land even if the caller stops waiting.
        DoneResponse response = io.grpc.Context.current().fork().call(() -> node.stub(target).backup(request));
        if (response.hasError()) {
          LOG.log(System.Logger.Level.WARNING, "backup on {0} refused: {1}", target, response.getError().getMessage());
        }
      } catch (StatusRuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "backup on {0} failed: {1}", target, e.getStatus());
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "backup on {0} failed: {1}", target, e.toString());
      }
    }
  }
}
