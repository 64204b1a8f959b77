package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.kamacache.cluster.NotOwnerRetries.NotOwner;
import io.kamacache.processor.EntryLockLostException;
import io.kamacache.processor.ProcessorEntry;
import io.kamacache.proto.v1.Error;
import io.kamacache.proto.v1.LockRequest;
import io.kamacache.proto.v1.LockResponse;
import io.kamacache.proto.v1.UnlockRequest;
import io.kamacache.proto.v1.ValueResponse;
import javax.cache.integration.CacheLoaderException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;

/**
 * The caller's side of an entry processor that cannot be sent to its key's remote owner (it is
 * not Serializable, as Spring's value loaders are not): the owner locks the key and answers its
 * value ({@code Lock}), the processor runs here on a private entry, and the owner applies its
 * outcome as an invoke there would and lets the key go ({@code Unlock}). Two round trips, and the
 * key stays locked for the processor's time in between.
 *
 * <p>Once the processor has run, nothing is retried: an outcome the owner refuses (the lock's
 * lease ran out, or the key moved) is an {@link EntryLockLostException}, never a second run.
 */
final class RemoteProcessing<K, V> {

  private final Router<K, V> router;

  RemoteProcessing(Router<K, V> router) {
    this.router = router;
  }

  <T> T invoke(HashRing.Member owner, K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    ByteString keyBytes = router.bytes(key);
    // The owner may make us wait for another holder for up to a lease, so the Lock may take that long.
    long lockDeadline = System.nanoTime() + router.lockLeaseNanos() + router.timeoutNanos();
    LockResponse locked = router.call(owner, (stub, header) ->
        stub.lock(LockRequest.newBuilder().setHeader(header).setKey(keyBytes).build()), lockDeadline);
    try {
      router.complete(locked.getStats(), locked.getError(), locked.hasError());
    } catch (CacheLoaderException e) {
      throw new EntryProcessorException(e); // the processor would have met it reading the entry
    }
    long token = locked.getToken();
    V value = locked.hasValue() ? router.decode(locked.getValue()) : null;
    V loaded = locked.hasLoaded() ? router.decode(locked.getLoaded()) : null;
    ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, value, loaded == null ? null : k -> loaded);
    T result;
    UnlockRequest.Builder unlock = UnlockRequest.newBuilder().setKey(keyBytes).setToken(token);
    try {
      result = entry.process(processor, arguments);
      outcome(entry, unlock);
    } catch (RuntimeException e) {
      unlockAfterFailure(owner, unlock);
      throw e;
    }
    ValueResponse done = unlock(owner, unlock);
    if (done.hasError() && done.getError().getCode() == Error.Code.NOT_OWNER) {
      throw lost(owner, key, done.getError().getMessage());
    }
    router.complete(done.getStats(), done.getError(), done.hasError());
    return result;
  }

  /** Fills in what the processor did; a value that cannot be sent fails it as an invoke would. */
  private void outcome(ProcessorEntry<K, V> entry, UnlockRequest.Builder unlock) {
    switch (entry.outcome()) {
      case NONE:
        unlock.setOutcome(UnlockRequest.Outcome.NONE);
        return;
      case ACCESSED:
        unlock.setOutcome(UnlockRequest.Outcome.ACCESSED);
        return;
      case REMOVED:
        unlock.setOutcome(UnlockRequest.Outcome.REMOVE);
        return;
      case LOADED:
      case CREATED:
      case UPDATED:
        ByteString value;
        try {
          value = router.bytes(entry.value());
        } catch (RuntimeException e) {
          throw new EntryProcessorException(e);
        }
        unlock.setOutcome(entry.outcome() == ProcessorEntry.Outcome.LOADED ? UnlockRequest.Outcome.LOADED
            : UnlockRequest.Outcome.SET).setValue(value);
        return;
      default:
        throw new AssertionError(entry.outcome());
    }
  }

  private ValueResponse unlock(HashRing.Member owner, UnlockRequest.Builder unlock) {
    try {
      return router.call(owner, (stub, header) -> stub.unlock(unlock.setHeader(header).build()),
          System.nanoTime() + router.timeoutNanos());
    } catch (NotOwner e) {
      // Never sent: nothing was applied, and the lock ends with its lease. Retrying would run the processor again.
      throw lost(owner, unlock.getKey(), e.getMessage());
    }
  }

  /** The processor threw, or its value cannot be sent: the lock ends now rather than with its lease. */
  private void unlockAfterFailure(HashRing.Member owner, UnlockRequest.Builder unlock) {
    unlock.clearValue().setOutcome(UnlockRequest.Outcome.NONE).setThrew(true);
    try {
      unlock(owner, unlock);
    } catch (RuntimeException e) {
      // The lease ends it anyway, and the caller hears the processor's own failure.
    }
  }

  private EntryLockLostException lost(HashRing.Member owner, Object key, String why) {
    return new EntryLockLostException("cache '" + router.cache() + "': the outcome of an entry processor that ran here"
        + " under a lock held by " + owner + " was refused (" + why + "); nothing was applied");
  }
}
