package io.kamacache.cluster;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kamacache.proto.v1.Header;
import io.kamacache.transport.PeerIdentity;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Where and whether a peer call runs: on the transport thread or one of the two bounded pools,
 * in the call's context, refused when a pool is full, and, for members' own methods, only from a
 * member in the current ring. Shared by {@link PeerService} and {@link MemberCalls}.
 */
final class CallDispatch {

  private final Peers peers;
  private final Executor callers;
  private final Executor members;

  /**
   * @param callers runs cache operations that cannot run on a transport thread
   * @param members runs what only members send, apart from callers' operations
   */
  CallDispatch(Peers peers, Executor callers, Executor members) {
    this.peers = peers;
    this.callers = callers;
    this.members = members;
  }

  /** Runs a caller's operation here or on the callers' pool; see {@link #dispatch(Executor, boolean, StreamObserver, Runnable)}. */
  void dispatch(boolean inline, StreamObserver<?> observer, Runnable work) {
    dispatch(callers, inline, observer, work);
  }

  /** Runs what only members send on the members' pool, so that callers' floods never starve it. */
  void forMembers(StreamObserver<?> observer, Runnable work) {
    dispatch(members, false, observer, work);
  }

  /** Runs a member's backup here when {@code inline}, else on the members' pool. */
  void forMembers(boolean inline, StreamObserver<?> observer, Runnable work) {
    dispatch(members, inline, observer, work);
  }

  /**
   * Runs {@code work} here or on {@code pool}, in the call's context (its deadline, its caller's
   * identity). A full pool refuses at once with RESOURCE_EXHAUSTED rather than queueing without
   * end, and a call whose caller has given up by the time a thread is free is dropped unrun.
   */
  private void dispatch(Executor pool, boolean inline, StreamObserver<?> observer, Runnable work) {
    if (inline) {
      work.run();
      return;
    }
    Context context = Context.current();
    try {
      pool.execute(context.wrap(() -> {
        if (!context.isCancelled()) {
          work.run();
        }
      }));
    } catch (RejectedExecutionException e) {
      observer.onError(Status.RESOURCE_EXHAUSTED.withDescription("member " + peers.memberId() + " has every thread"
          + " busy and its queue full (" + ClusterConfig.SERVER_THREADS + ", " + ClusterConfig.SERVER_QUEUE
          + "); the call was not run").asRuntimeException());
    }
  }

  /** Whether the request passes {@link RequestChecks}; if not, the caller has its INVALID_ARGUMENT. */
  static boolean valid(Runnable check, StreamObserver<?> observer) {
    try {
      check.run();
      return true;
    } catch (StatusRuntimeException e) {
      observer.onError(e);
      return false;
    }
  }

  /**
   * Whether the caller is a member in this member's current ring under the id it proved, and
   * sends under that id; if not, the caller has its PERMISSION_DENIED. Call it once caught up with
   * the caller's epoch, since a member that just joined is not in an older ring.
   */
  boolean fromMember(Header header, StreamObserver<?> observer) {
    PeerIdentity identity = PeerIdentity.CURRENT.get();
    String refusal = null;
    if (identity == null || identity.role() != PeerIdentity.Role.MEMBER) {
      refusal = "only members may call this";
    } else if (!header.getSender().isEmpty() && !header.getSender().equals(identity.id())) {
      refusal = identity + " sent a request as '" + header.getSender() + "'";
    } else if (!peers.ring().members().containsKey(identity.id())) {
      refusal = identity + " is not in the current ring of member " + peers.memberId() + " (epoch " + peers.epoch() + ")";
    }
    if (refusal == null) {
      return true;
    }
    observer.onError(Status.PERMISSION_DENIED.withDescription(refusal).asRuntimeException());
    return false;
  }

  /**
   * The deadline of a request that came on a stream ({@link CallStreams}): the stream itself has
   * none, and a deadline of the context's own would schedule a timer per request.
   */
  static final Context.Key<Deadline> STREAMED_DEADLINE = Context.key("kamacache-streamed-deadline");

  /** The deadline of the request being served: its stream's request's, else its call's; null if none. */
  static Deadline deadline() {
    Deadline streamed = STREAMED_DEADLINE.get();
    return streamed != null ? streamed : Context.current().getDeadline();
  }

  /** Catches up with the caller's view, waiting at most half its remaining time. */
  void catchUpWith(Header header) {
    Deadline deadline = deadline();
    long wait = deadline == null ? peers.config().timeout.toMillis()
        : Math.max(1, deadline.timeRemaining(TimeUnit.MILLISECONDS) / 2);
    peers.catchUp(header.getEpoch(), wait);
  }
}
