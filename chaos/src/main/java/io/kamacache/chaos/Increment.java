package io.kamacache.chaos;

import java.io.Serializable;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

/**
 * The INCR operation: sets the value to one more than before (absent counts as 0) and returns the
 * new value. It runs on the key's owner, so it travels serialized; the class path of every member
 * holds it and {@code io.kamacache.**} is on the provider's allow-list.
 */
final class Increment implements EntryProcessor<String, Long, Long>, Serializable {

  private static final long serialVersionUID = 1L;

  @Override
  public Long process(MutableEntry<String, Long> entry, Object... arguments) {
    long next = (entry.exists() ? entry.getValue() : 0L) + 1;
    entry.setValue(next);
    return next;
  }
}
