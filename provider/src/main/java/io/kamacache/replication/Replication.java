package io.kamacache.replication;

import java.util.List;
import javax.cache.CacheException;

/**
 * Told about every change a Group is about to make to an entry it owns, while the key is locked
 * and before the change is visible to any reader. In cluster mode it checks that this member still
 * owns the key, puts the new state on the key's backups, and returns the state's version; if it
 * throws, the change is not made. In embedded mode there is none.
 */
public interface Replication<K> {

  /**
   * Thrown by {@link #changing} when this member may no longer change the key, before anything
   * happened: the caller may safely send the operation again, to the key's owner.
   */
  final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Thrown by {@link #changing} when the change could not be put on enough members: it is not
   * acknowledged, though some copies may hold it, so the operation must not be retried blindly.
   */
  final class Failed extends CacheException {
    private static final long serialVersionUID = 1L;

    public Failed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Thrown by a bulk write whose permission lapsed between the commits of its batch: the keys in
   * {@link #keys} did not change here, the others did. Their copies may sit on backups at versions
   * the key's next write supersedes (an owner's next version is above the last it showed, and an
   * equal one replaces a copy), so they may be sent again, to their owner, as a refusal allows.
   */
  final class KeysRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<?> keys;

    public KeysRefused(String message, List<?> keys) {
      super(message, null, false, false);
      this.keys = List.copyOf(keys);
    }

    /** The keys that did not change, in the operation's key type. */
    public List<?> keys() {
      return keys;
    }
  }

  /**
   * The entry is about to hold {@code stored} until {@code expiresAt} (store time, as of
   * {@code now}), or to be removed when {@code stored} is null. {@code previous} is the version of
   * the state it replaces. Returns the new state's version.
   */
  long changing(K key, Object stored, long expiresAt, long now, long previous);

  /**
   * Called after {@link #changing} refused a change, holding no lock: waits until the operation
   * running on this thread may make its change after all, and returns whether it may. False at
   * once unless the only thing missing was a proof this member could not give for a moment; false
   * too if the operation's time runs short first. For work too costly to send again, such as a
   * value the cache loader returned.
   */
  boolean awaitChangeable();

  /**
   * A state that arrived from another member (a handoff, or a backup adopted after its owner
   * left) is now owned here: copy it to this member's backups. It keeps the version it came with.
   */
  void copied(K key, Object stored, long expiresAt, long now, long version);

  /**
   * As {@link #copied} for many states taken in one handover: sent together, one request per
   * backup member. Called holding no lock.
   */
  void copiedAll(List<Taken<K>> taken);

  /** A state taken in a handover: the key, its value in stored form, its time to live as of now, its version. */
  record Taken<K>(K key, Object stored, long ttlNanos, long version) {}

  /**
   * A read may have moved the entry's expiry time (an access-based expiry policy): its backups
   * should learn the new time. Called after the read, without the key's lock; may be batched.
   */
  void accessed(K key);

  /**
   * A batch for a bulk write. Even a change that costs no round trip (no backups, no near caches
   * elsewhere) goes through one, so that a bulk write whose permission lapses part-way refuses
   * only its remaining keys.
   */
  Batch<K> batch();

  /**
   * Changes of many keys put on the backups together: one request per backup member instead of a
   * round trip per key. Each change is {@linkplain #prepare prepared} under its key's lock, all
   * are {@linkplain #send sent}, and then each becomes visible under its key's lock again, if its
   * key did not change in between ({@link #committing}); a key that did is changed the usual way.
   */
  interface Batch<K> {

    /**
     * As {@link Replication#changing}, but nothing is sent yet: checks the change may be made and
     * returns its version. Called under the key's lock; the change must not become visible yet.
     */
    long prepare(K key, Object stored, long expiresAt, long now, long previous);

    /** Puts every prepared change on its backups and waits; throws as {@link Replication#changing} does. */
    void send();

    /**
     * Called under the key's lock just before a prepared, sent change becomes visible; throws
     * {@link Refused} if this member may no longer make it. Unlike other operations, a batch's
     * later keys are refused alone even after earlier ones changed ({@link KeysRefused}), and
     * {@link Replication#changing} treats the batch's keys the same way.
     */
    void committing();
  }
}
