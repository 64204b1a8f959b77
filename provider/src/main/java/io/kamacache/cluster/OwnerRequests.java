package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import io.kamacache.codec.WireCodec;
import io.kamacache.group.Group;
import io.kamacache.replication.Replication;
import io.kamacache.management.CacheStatistics;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.Error;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.Stats;
import io.kamacache.proto.v1.ValueResponse;
import io.kamacache.transport.RemoteErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;

/**
 * Runs one caller's request on this member, as the owner of its keys: refuses it if it is past
 * its deadline, if the lease is not proven or the view cannot catch up with the caller's, or if
 * the cache is unknown; otherwise runs it on the cache's {@link Group} under a claim on the keys
 * ({@link Ownership#serve}), and answers with the owner's statistics and any error as typed
 * fields of the response.
 */
final class OwnerRequests {

  private final Peers peers;
  private final LocalCaches caches;
  private final Ownership ownership;
  private final Rebalancer rebalancer;

  OwnerRequests(Peers peers, LocalCaches caches, Ownership ownership, Rebalancer rebalancer) {
    this.peers = peers;
    this.caches = caches;
    this.ownership = ownership;
    this.rebalancer = rebalancer;
  }

  /**
   * Whether a read of {@code key} cannot block: see {@link Group#readsWithoutBlocking()}. A
   * caller ahead of our view makes us read etcd first, which blocks.
   */
  boolean inlineRead(Header header, ByteString key) {
    HashRing ring = peers.ring();
    // What a caller serialized is decoded on the bounded pools only: see WireCodec.decodesPlainly.
    if (!caches.isOpen() || header.getEpoch() > peers.epoch() || !WireCodec.decodesPlainly(key.byteAt(0))) {
      return false;
    }
    Group<Object, Object> group = caches.localGroup(header.getCache());
    if (group == null || !group.readsWithoutBlocking()) {
      return false;
    }
    HashRing.Member owner = ring.owner(key.toByteArray());
    if (owner == null || !owner.id().equals(peers.memberId())) {
      return false;
    }
    // Adopting a backup copy puts it on this member's backups, which waits for them.
    try {
      return !group.copies().mayHoldBackup(decode(key));
    } catch (RuntimeException e) {
      return false; // a key that cannot be decoded gets its error off the transport
    }
  }

  /** An operation on the cache's Group with the request's keys, decoded once, filling in the response. */
  interface Operation<B> {
    void run(Group<Object, Object> group, List<Object> keys, B response) throws Exception;
  }

  /** A refusal that travels as a typed error rather than an exception from the Group. */
  private static final class Refused extends RuntimeException {
    final Error error;

    Refused(Error error) {
      super(error.getMessage(), null, false, false);
      this.error = error;
    }
  }

  /**
   * Runs a request for keys this member must own: past its deadline it is not run at all; a caller
   * that has seen a newer view makes us catch up first; then the operation runs under a claim on
   * the keys ({@link Ownership#serve}), or is refused with NOT_OWNER, which the caller retries.
   */
  <B extends Message.Builder> void handle(Header header, List<ByteString> keys,
      B response, Operation<B> operation, StreamObserver<? super Message> observer) {
    handle(header, keys, response, operation, null, observer);
  }

  /** As above; if the operation sets {@code busy[0]}, nothing is answered and the caller runs it again. */
  <B extends Message.Builder> void handle(Header header, List<ByteString> keys,
      B response, Operation<B> operation, boolean[] busy, StreamObserver<? super Message> observer) {
    try {
      Deadline deadline = CallDispatch.deadline();
      if (deadline != null && deadline.isExpired()) {
        throw new Refused(RemoteErrors.toProto(new CacheException(
            "the request's deadline passed before it ran; it was not applied")));
      }
      if (!ownership.leaseProven()) {
        // Catching up would wait for etcd, which this member cannot reach: refuse at once.
        throw new Refused(RemoteErrors.notOwner(peers.epoch(), "cannot prove its etcd lease is alive"));
      }
      long until = System.nanoTime() + (deadline == null ? peers.config().timeout.toNanos()
          : deadline.timeRemaining(TimeUnit.NANOSECONDS));
      // Half the caller's time at most: if etcd cannot tell us in that, the caller hears why.
      if (!peers.catchUp(header.getEpoch(), Math.max(1, (until - System.nanoTime()) / 2_000_000))) {
        throw new Refused(RemoteErrors.notOwner(peers.epoch(), "cannot catch up with the caller's newer view"));
      }
      Group<Object, Object> group = caches.group(header.getCache());
      if (group == null) {
        // A member still joining may not know the cache yet: the caller tries again.
        throw new Refused(caches.isOpen() ? RemoteErrors.unknownCache(header.getCache())
            : RemoteErrors.notOwner(peers.epoch(), "not open: joining or leaving"));
      }
      List<byte[]> keyBytes = new ArrayList<>(keys.size());
      for (ByteString key : keys) {
        keyBytes.add(key.toByteArray());
      }
      ownership.serve(keyBytes, until, () -> {
        List<Object> decoded = new ArrayList<>(keys.size());
        for (ByteString key : keys) {
          Object one = decode(key);
          rebalancer.prepare(group, one);
          decoded.add(one);
        }
        try (CacheStatistics.Capture capture = CacheStatistics.capture()) {
          NearInvalidations.ORIGIN.set(header.getSender());
          try {
            operation.run(group, decoded, response);
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new CacheException(e);
          } finally {
            NearInvalidations.ORIGIN.remove();
            ResponseFields.stats(response, Stats.newBuilder().setHits(capture.hits()).setMisses(capture.misses())
                .setPuts(capture.puts()).setRemovals(capture.removals()).build());
          }
        }
        return null;
      });
    } catch (Refused refused) {
      ResponseFields.error(response, refused.error);
    } catch (Ownership.Refused refused) {
      ResponseFields.error(response, RemoteErrors.notOwner(refused.epoch, refused.getMessage()));
    } catch (Replication.Refused refused) {
      ResponseFields.error(response, RemoteErrors.notOwner(peers.epoch(), refused.getMessage()));
    } catch (Replication.KeysRefused refused) {
      // NOT_OWNER for the whole share to a caller that does not read the keys: resending it is safe.
      ResponseFields.error(response, RemoteErrors.notOwner(peers.epoch(), refused.getMessage()));
      if (response instanceof DoneResponse.Builder done) {
        refused.keys().forEach(key -> done.addRefusedKeys(encode(key)));
      }
    } catch (Throwable t) {
      ResponseFields.error(response, RemoteErrors.toProto(t));
    }
    if (busy != null && busy[0]) {
      return;
    }
    observer.onNext(response.build());
    observer.onCompleted();
  }

  Object decode(ByteString bytes) {
    return peers.codec().decode(bytes.toByteArray(), caches.classLoader());
  }

  /** Arguments of an entry processor, decoded in order. */
  Object[] decodeAll(List<ByteString> encoded) {
    Object[] decoded = new Object[encoded.size()];
    for (int i = 0; i < decoded.length; i++) {
      decoded[i] = decode(encoded.get(i));
    }
    return decoded;
  }

  ByteString encode(Object value) {
    return ByteString.copyFrom(peers.codec().encode(value));
  }

  void value(ValueResponse.Builder response, Object value) {
    if (value != null) {
      response.setValue(encode(value));
    }
  }

  @SuppressWarnings("unchecked")
  <T> StreamObserver<Message> out(StreamObserver<T> observer) {
    return (StreamObserver<Message>) observer;
  }
}
