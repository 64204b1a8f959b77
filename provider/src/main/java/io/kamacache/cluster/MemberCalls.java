package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.kamacache.event.EventDispatcher;
import io.kamacache.group.Group;
import io.kamacache.replication.Copies;
import io.kamacache.proto.v1.Copy;
import io.kamacache.proto.v1.CopyRequest;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.Event;
import io.kamacache.proto.v1.EventsRequest;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.KeysRequest;
import io.kamacache.proto.v1.SyncRequest;
import io.kamacache.proto.v1.SyncResponse;
import io.kamacache.transport.RemoteErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.cache.event.EventType;

/**
 * The peer methods only members send: backups, handoffs, the membership barrier, forwarded
 * events and near-cache invalidations. Each runs on the members' pool, and only for a caller that
 * is a member in this member's current ring, sending under its own id ({@link CallDispatch#fromMember}).
 */
final class MemberCalls {

  /**
   * The bare names of these methods: they change another member's state without going through
   * ownership, so clients may not call them, and members only while in the current ring.
   */
  static final Set<String> METHODS = Set.of("Backup", "Backups", "Handoff", "Sync", "Events", "Invalidate");

  private final Peers peers;
  private final LocalCaches caches;
  private final Barrier barrier;
  private final CallDispatch calls;
  private final RequestChecks checks;

  MemberCalls(Peers peers, LocalCaches caches, Barrier barrier, CallDispatch calls, RequestChecks checks) {
    this.peers = peers;
    this.caches = caches;
    this.barrier = barrier;
    this.calls = calls;
    this.checks = checks;
  }

  private Object decode(ByteString bytes) {
    return peers.codec().decode(bytes.toByteArray(), caches.classLoader());
  }

  void invalidate(KeysRequest request, StreamObserver<DoneResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    done(request.getHeader(), observer, () -> {
      NearCache<Object> near = caches.nearCache(request.getHeader().getCache());
      if (near != null && request.getKeysCount() == 0) {
        near.invalidateAll(); // the owner's queue overflowed
      } else if (near != null) {
        for (ByteString key : request.getKeysList()) {
          near.invalidate(decode(key));
        }
      }
    });
  }

  /**
   * Runs {@code work} on the members' pool for a member in the ring (once caught up with its
   * view), and answers done, or the error {@code work} threw.
   */
  private void done(Header header, StreamObserver<DoneResponse> observer, Runnable work) {
    calls.forMembers(observer, () -> {
      calls.catchUpWith(header);
      if (!calls.fromMember(header, observer)) {
        return;
      }
      DoneResponse.Builder response = DoneResponse.newBuilder();
      try {
        work.run();
      } catch (Throwable t) {
        response.setError(RemoteErrors.toProto(t));
      }
      observer.onNext(response.build());
      observer.onCompleted();
    });
  }

  /**
   * Copies are not cache operations: no statistics, no events. They are taken only from a member
   * in this member's current ring. A backup for a key this member owns in its view is refused,
   * since its sender can no longer be the owner; a handoff is taken only for keys this member owns,
   * or, from a member that is leaving, keys it will own once that member is gone; and only if it is
   * newer than what is here. A member that is not open takes neither.
   */
  private void copies(CopyRequest request, StreamObserver<DoneResponse> observer, boolean handoff) {
    calls.catchUpWith(request.getHeader()); // behind still, it refuses what it owns
    if (!calls.fromMember(request.getHeader(), observer)) {
      return;
    }
    DoneResponse.Builder response = DoneResponse.newBuilder();
    try {
      // A leaving member still keeps backups until it is out of the ring: its owners' writes must
      // not wait for it. It takes no handoffs, which it would only have to hand on.
      Group<Object, Object> group = caches.isOpen() ? caches.group(request.getHeader().getCache())
          : handoff ? null : caches.localGroup(request.getHeader().getCache());
      if (group == null && !caches.isOpen()) {
        response.setError(RemoteErrors.notOwner(peers.epoch(), "not open: joining or leaving"));
      } else if (group == null) {
        response.setError(RemoteErrors.unknownCache(request.getHeader().getCache()));
      } else {
        HashRing ring = peers.ring();
        HashRing afterLeaving = handoff && request.getLeaving() ? without(ring, request.getHeader().getSender()) : null;
        // A handover's entries reach this member's own backups together, after they are all in.
        List<Copies.Copy<Object>> handed = new ArrayList<>();
        for (Copy copy : request.getCopiesList()) {
          byte[] keyBytes = copy.getKey().toByteArray();
          boolean mine = isMine(ring, keyBytes);
          boolean accepted = handoff ? mine || (afterLeaving != null && isMine(afterLeaving, keyBytes)) : !mine;
          if (!accepted) {
            response.addRefusedKeys(copy.getKey());
            continue;
          }
          Object key = decode(copy.getKey());
          Object value = copy.hasValue() ? decode(copy.getValue()) : null;
          if (handoff) {
            handed.add(new Copies.Copy<>(key, value, copy.getTtlNanos(), copy.getVersion()));
          } else {
            group.copies().applyBackup(key, value, copy.getTtlNanos(), copy.getVersion());
          }
        }
        if (!handed.isEmpty()) {
          group.copies().applyHandoffs(handed);
        }
      }
    } catch (Throwable t) {
      response.setError(RemoteErrors.toProto(t));
    }
    observer.onNext(response.build());
    observer.onCompleted();
  }

  private boolean isMine(HashRing ring, byte[] keyBytes) {
    HashRing.Member owner = ring.owner(keyBytes);
    return owner != null && owner.id().equals(peers.memberId());
  }

  /** The ring once {@code leaving} is gone: where a leaving member's keys go. */
  private HashRing without(HashRing ring, String leaving) {
    List<HashRing.Member> staying = new ArrayList<>(ring.members().values());
    staying.removeIf(member -> member.id().equals(leaving));
    return new HashRing(ring.epoch(), staying, peers.config().virtualNodes);
  }

  void backup(CopyRequest request, StreamObserver<DoneResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    // Applying a backup only decodes and stores, so it runs on the transport thread, which saves
    // the owner (waiting for it under the key's lock) a thread hop and a wake-up here. Only a
    // member in the ring gets this far (the authentication refused everyone else), so decoding
    // its values here is no more exposed than running its writes. A cache not open here yet may
    // need its definition read from etcd, and a sender ahead of our view makes us read the
    // members first: both block, and a blocked transport thread stalls every call on it (lease
    // keepalives were answered seconds late that way), so those go to a handler.
    calls.forMembers(caches.isOpen() && request.getHeader().getEpoch() <= peers.epoch()
        && caches.localGroup(request.getHeader().getCache()) != null, observer, () -> copies(request, observer, false));
  }

  void handoff(CopyRequest request, StreamObserver<DoneResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.forMembers(observer, () -> copies(request, observer, true));
  }

  void events(EventsRequest request, StreamObserver<DoneResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    done(request.getHeader(), observer, () -> {
      Group<Object, Object> group = caches.localGroup(request.getHeader().getCache());
      if (group == null) {
        return;
      }
      for (Event event : request.getEventsList()) {
        Object key = decode(event.getKey());
        Object value = event.hasValue() ? group.copies().toStored(decode(event.getValue())) : null;
        Object old = event.hasOldValue() ? group.copies().toStored(decode(event.getOldValue())) : null;
        group.events().publishForwarded(EventType.valueOf(event.getType().name()), key, value, old);
      }
      if (request.getSynchronous()) {
        // The owner's caller returns only after our synchronous listeners have run.
        EventDispatcher.awaitSynchronous();
      }
    });
  }

  void sync(SyncRequest request, StreamObserver<SyncResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.forMembers(observer, () -> {
      calls.catchUpWith(request.getHeader());
      if (!calls.fromMember(request.getHeader(), observer)) {
        return;
      }
      SyncResponse response;
      try {
        response = barrier.answer(request);
      } catch (Throwable t) {
        response = SyncResponse.newBuilder().setError(RemoteErrors.toProto(t)).build();
      }
      observer.onNext(response);
      observer.onCompleted();
    });
  }
}
