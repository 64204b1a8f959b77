package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.KeysRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Tells the other members which keys an owner changed, so they drop their near copies. The owner
 * queues a key under the key's lock and returns at once; one thread sends what has queued up in
 * batches, one asynchronous call per member and cache, so a burst of writes costs a few calls and
 * a slow member never holds up a write. Ordering per key does not matter: an invalidation only
 * removes.
 */
final class NearInvalidations implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(NearInvalidations.class.getName());
  private static final int BATCH = 1024;

  /**
   * The member whose request this thread is running, set by the peer service: that member dropped
   * its own copies of the keys it changes, and an invalidation arriving after its next read would
   * only throw away a fresh copy.
   */
  static final ThreadLocal<String> ORIGIN = new ThreadLocal<>();

  private record Change(String cache, ByteString key, String origin) {}

  private final ClusterNode node;
  private final LinkedBlockingQueue<Change> queue = new LinkedBlockingQueue<>();
  private final Thread sender;
  private volatile boolean open = true;

  NearInvalidations(ClusterNode node) {
    this.node = node;
    this.sender = new Thread(this::run, "kamacache-near-invalidations");
    sender.setDaemon(true);
    sender.start();
  }

  void changed(String cache, byte[] key) {
    if (open) {
      queue.add(new Change(cache, ByteString.copyFrom(key), ORIGIN.get()));
    }
  }

  private void run() {
    List<Change> batch = new ArrayList<>();
    while (open) {
      try {
        Change first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        send(batch);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "sending near-cache invalidations failed", e);
      } finally {
        batch.clear();
      }
    }
  }

  private void send(List<Change> batch) {
    HashRing ring = node.ring();
    for (HashRing.Member member : ring.members().values()) {
      if (member.id().equals(node.memberId())) {
        continue;
      }
      Map<String, KeysRequest.Builder> byCache = new LinkedHashMap<>();
      for (Change change : batch) {
        if (!member.id().equals(change.origin())) {
          byCache.computeIfAbsent(change.cache(), cache -> KeysRequest.newBuilder()
              .setHeader(Header.newBuilder().setCache(cache).setEpoch(node.epoch()).setSender(node.memberId())))
              .addKeys(change.key());
        }
      }
      for (KeysRequest.Builder request : byCache.values()) {
        node.asyncStub(member).invalidate(request.build(), new StreamObserver<>() {
          @Override public void onNext(DoneResponse response) { }

          @Override public void onError(Throwable t) {
            // The member's copies still end at their maximum age; a member that is gone clears
            // all of them when the ring changes.
            LOG.log(System.Logger.Level.DEBUG, "invalidating near copies on {0} failed: {1}", member, t.toString());
          }

          @Override public void onCompleted() { }
        });
      }
    }
  }

  @Override
  public void close() {
    open = false;
    sender.interrupt();
  }
}
