package io.kamacache.group;

import java.util.function.Function;
import javax.cache.processor.MutableEntry;

/**
 * The entry an {@link javax.cache.processor.EntryProcessor} works on. It only records what the
 * processor asked for; the group applies the net effect afterwards, still under the key's lock, so
 * a processor that throws leaves the cache untouched.
 */
final class ProcessorEntry<K, V> implements MutableEntry<K, V> {

  /** The net effect of a processor on its entry. */
  enum Outcome { NONE, ACCESSED, LOADED, CREATED, UPDATED, REMOVED }

  private final K key;
  private final boolean existed;
  private final Function<K, V> loader;
  private V value;
  private Outcome outcome = Outcome.NONE;
  private boolean loadTried;

  /** {@code loader} is null unless the cache reads through. */
  ProcessorEntry(K key, V value, Function<K, V> loader) {
    this.key = key;
    this.value = value;
    this.existed = value != null;
    this.loader = loader;
  }

  @Override public K getKey() {
    return key;
  }

  @Override public boolean exists() {
    return value != null;
  }

  @Override public V getValue() {
    if (value != null) {
      if (outcome == Outcome.NONE) {
        outcome = Outcome.ACCESSED;
      }
      return value;
    }
    if (loader != null && !loadTried && outcome != Outcome.REMOVED) {
      loadTried = true;
      V loaded = loader.apply(key);
      if (loaded != null) {
        value = loaded;
        outcome = Outcome.LOADED;
      }
    }
    return value;
  }

  @Override public void setValue(V newValue) {
    if (newValue == null) {
      throw new NullPointerException("an entry processor may not set a null value");
    }
    value = newValue;
    outcome = existed ? Outcome.UPDATED : Outcome.CREATED;
  }

  @Override public void remove() {
    value = null;
    // Undoing a create or a load leaves nothing to tell the writer; any other remove is a delete,
    // even of an absent key, just as Cache.remove(key) always reaches the writer.
    outcome = outcome == Outcome.CREATED || outcome == Outcome.LOADED ? Outcome.NONE : Outcome.REMOVED;
  }

  @Override public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("cannot unwrap a mutable entry to " + clazz.getName());
  }

  boolean existed() {
    return existed;
  }

  Outcome outcome() {
    return outcome;
  }

  V value() {
    return value;
  }
}
