package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.KeysRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
  /** Keys per invalidation call: amortizes the call, and stays far below any message limit. */
  private static final int BATCH = 1024;

  /**
   * The member whose request this thread is running, set by the peer service: that member dropped
   * its own copies of the keys it changes, and an invalidation arriving after its next read would
   * only throw away a fresh copy.
   */
  static final ThreadLocal<String> ORIGIN = new ThreadLocal<>();

  private record Change(String cache, ByteString key, String origin) {}

  private final Peers peers;
  /** Many batches' worth; past it, dropping every near copy of the cache is cheaper than holding more. */
  private static final int QUEUE = 64 * 1024;

  private final LinkedBlockingQueue<Change> queue = new LinkedBlockingQueue<>(QUEUE);
  /** Caches a change of which did not fit in the queue: every member must drop all their near copies. */
  private final Set<String> overflowed = ConcurrentHashMap.newKeySet();
  private final Thread sender;
  private volatile boolean open = true;

  NearInvalidations(Peers peers) {
    this.peers = peers;
    this.sender = new Thread(this::run, "kamacache-near-invalidations");
    sender.setDaemon(true);
    sender.start();
  }

  void changed(String cache, byte[] key) {
    if (open) {
      if (!queue.offer(new Change(cache, ByteString.copyFrom(key), ORIGIN.get())) && overflowed.add(cache)) {
        LOG.log(System.Logger.Level.WARNING, "near-cache invalidations for cache ''{0}'' overflowed their queue of {1};"
            + " every member drops all its near copies of it instead", cache, QUEUE);
      }
    }
  }

  private void run() {
    List<Change> batch = new ArrayList<>();
    while (open) {
      try {
        Change first = queue.poll(1, TimeUnit.SECONDS);
        for (String cache : overflowed) {
          overflowed.remove(cache);
          // No keys: every key (see peer.proto's Invalidate).
          batch.add(new Change(cache, null, null));
        }
        if (first == null && batch.isEmpty()) {
          continue;
        }
        if (first != null) {
          batch.add(first);
        }
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
    HashRing ring = peers.ring();
    for (HashRing.Member member : ring.members().values()) {
      if (member.id().equals(peers.memberId())) {
        continue;
      }
      Map<String, KeysRequest.Builder> byCache = new LinkedHashMap<>();
      Set<String> everything = new HashSet<>();
      for (Change change : batch) {
        if (change.key() == null) {
          byCache.put(change.cache(), KeysRequest.newBuilder()
              .setHeader(Header.newBuilder().setCache(change.cache()).setEpoch(peers.epoch()).setSender(peers.memberId())));
          everything.add(change.cache());
        } else if (!member.id().equals(change.origin()) && !everything.contains(change.cache())) {
          byCache.computeIfAbsent(change.cache(), cache -> KeysRequest.newBuilder()
              .setHeader(Header.newBuilder().setCache(cache).setEpoch(peers.epoch()).setSender(peers.memberId())))
              .addKeys(change.key());
        }
      }
      for (KeysRequest.Builder request : byCache.values()) {
        peers.asyncStub(member).invalidate(request.build(), new StreamObserver<>() {
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
