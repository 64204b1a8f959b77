package io.kamacache.cluster;

import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.kamacache.processor.ProcessorEntry;
import io.kamacache.proto.v1.LockRequest;
import io.kamacache.proto.v1.LockResponse;
import io.kamacache.proto.v1.UnlockRequest;
import io.kamacache.proto.v1.ValueResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The owner's side of Lock and Unlock: key locks under which an entry processor that cannot be
 * sent here runs on its caller (see {@link RemoteProcessing} for the caller's side). Both run
 * through {@link OwnerRequests}, so a lock is granted, and an outcome applied, only while this
 * member owns the key under a proven lease.
 */
final class LockCalls {

  private final OwnerRequests requests;
  private final CallDispatch calls;
  private final RequestChecks checks;
  private final KeyLocks locks;

  LockCalls(OwnerRequests requests, CallDispatch calls, RequestChecks checks, KeyLocks locks) {
    this.requests = requests;
    this.calls = calls;
    this.checks = checks;
    this.locks = locks;
  }

  /**
   * Waits, on the callers' pool, until no one else holds the key, then locks it and answers its
   * value (for a cache that reads through and has none, what the loader returns). A lock granted
   * to a call that then fails, or whose caller stopped waiting, ends at once.
   */
  void lock(LockRequest request, StreamObserver<LockResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.dispatch(false, observer, () -> {
      // Looked up once the cache is known to exist here, so no request can make us keep a name.
      CacheLocks[] cacheLocks = new CacheLocks[1];
      CacheLocks.Held[] granted = new CacheLocks.Held[1];
      StreamObserver<Message> out = requests.out(observer);
      requests.handle(request.getHeader(), List.of(request.getKey()), LockResponse.newBuilder(), (group, decoded, response) -> {
        long lease = locks.leaseNanos(request.getLeaseMs());
        cacheLocks[0] = locks.of(request.getHeader().getCache());
        granted[0] = cacheLocks[0].grant(group, decoded.get(0), request.getKey().toByteArray(), locks.nextToken(), lease,
            (lock, value) -> {
              if (value != null) {
                response.setValue(requests.encode(value));
              }
            });
        response.setToken(granted[0].token).setLeaseMs(TimeUnit.NANOSECONDS.toMillis(lease));
        if (!granted[0].existed) {
          // The key is ours alone now, so the loader runs outside the store's lock.
          Object loaded = group.loadWithoutStoring(decoded.get(0));
          if (loaded != null) {
            response.setLoaded(requests.encode(loaded));
          }
        }
      }, new StreamObserver<>() {
        @Override public void onNext(Message message) {
          LockResponse answer = (LockResponse) message;
          if (granted[0] != null && (answer.hasError() || Context.current().isCancelled())) {
            cacheLocks[0].release(granted[0]); // nobody will unlock it
          }
          out.onNext(message);
        }

        @Override public void onError(Throwable t) {
          out.onError(t);
        }

        @Override public void onCompleted() {
          out.onCompleted();
        }
      });
    });
  }

  /**
   * Applies the processor's outcome and ends the lock, on the members' pool: an Unlock is what lets
   * the changes waiting for the key go, so callers' operations waiting on the other pool must not
   * hold it up. Refused with LOCK_LOST, changing nothing, when the lock has ended.
   */
  void unlock(UnlockRequest request, StreamObserver<ValueResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    calls.forMembers(observer, () -> {
      CacheLocks[] cacheLocks = new CacheLocks[1];
      Object[] key = new Object[1];
      StreamObserver<Message> out = requests.out(observer);
      requests.handle(request.getHeader(), List.of(request.getKey()), ValueResponse.newBuilder(), (group, decoded, response) -> {
        cacheLocks[0] = locks.of(request.getHeader().getCache());
        key[0] = decoded.get(0);
        if (request.getThrew()) {
          cacheLocks[0].releaseToken(key[0], request.getToken());
          return;
        }
        Object value = request.hasValue() ? requests.decode(request.getValue()) : null;
        cacheLocks[0].apply(group, key[0], request.getToken(), outcome(request.getOutcome()), value);
      }, new StreamObserver<>() {
        @Override public void onNext(Message message) {
          if (key[0] != null && ((ValueResponse) message).hasError()) {
            cacheLocks[0].releaseToken(key[0], request.getToken()); // refused: the lock ends all the same
          }
          out.onNext(message);
        }

        @Override public void onError(Throwable t) {
          out.onError(t);
        }

        @Override public void onCompleted() {
          out.onCompleted();
        }
      });
    });
  }

  private static ProcessorEntry.Outcome outcome(UnlockRequest.Outcome outcome) {
    switch (outcome) {
      case NONE:
        return ProcessorEntry.Outcome.NONE;
      case ACCESSED:
        return ProcessorEntry.Outcome.ACCESSED;
      case LOADED:
        return ProcessorEntry.Outcome.LOADED;
      case SET:
        return ProcessorEntry.Outcome.UPDATED;
      case REMOVE:
        return ProcessorEntry.Outcome.REMOVED;
      default:
        throw new IllegalStateException("unchecked unlock outcome " + outcome);
    }
  }
}
