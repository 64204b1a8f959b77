package io.kamacache.group;

/**
 * Told about every change a Group makes to an entry it owns, while the key is still locked, so
 * that copies elsewhere change in the same order as the original. In cluster mode it keeps the
 * key's backups current before the operation returns; in embedded mode there is none.
 */
public interface Replication<K> {

  /** The entry now holds {@code stored} until {@code expiresAt} (store time, as of {@code now}). */
  void written(K key, Object stored, long expiresAt, long now);

  void removed(K key);
}
