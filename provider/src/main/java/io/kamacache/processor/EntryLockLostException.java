package io.kamacache.processor;

import javax.cache.CacheException;

/**
 * An entry processor ran on this member under a lock on its key held at the key's owner, but the
 * lock had ended before its outcome reached the owner: the lock's lease ran out, or the key moved
 * to another member. Nothing the processor did was applied, so the cache is as if it never ran;
 * the caller may invoke it again. In cluster mode this is how processors that cannot be sent to the
 * owner (not Serializable) run, Spring's {@code Cache.get(key, Callable)} among them.
 */
public class EntryLockLostException extends CacheException {

  private static final long serialVersionUID = 1L;

  public EntryLockLostException(String message) {
    super(message);
  }
}
