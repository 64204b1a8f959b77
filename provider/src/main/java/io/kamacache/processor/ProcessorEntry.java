package io.kamacache.processor;

import java.util.function.Function;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.MutableEntry;

/**
 * The entry an {@link EntryProcessor} works on. It only records what the
 * processor asked for; the group applies the net effect afterwards, still under the key's lock, so
 * a processor that throws leaves the cache untouched.
 */
public final class ProcessorEntry<K, V> implements MutableEntry<K, V> {

  /** The net effect of a processor on its entry. */
  public enum Outcome { NONE, ACCESSED, LOADED, CREATED, UPDATED, REMOVED }

  private final K key;
  private final boolean existed;
  private final Function<K, V> loader;
  private V value;
  private Outcome outcome = Outcome.NONE;
  private boolean loadTried;

  /** {@code loader} is null unless the cache reads through. */
  public ProcessorEntry(K key, V value, Function<K, V> loader) {
    this.key = key;
    this.value = value;
    this.existed = value != null;
    this.loader = loader;
  }

  /**
   * The entry a processor left on another member, to apply here as if it had run here: it
   * {@code existed} when the processor started, and ended with {@code outcome} and {@code value}.
   */
  public static <K, V> ProcessorEntry<K, V> ranElsewhere(K key, boolean existed, Outcome outcome, V value) {
    ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, existed, null);
    entry.value = value;
    entry.outcome = outcome;
    return entry;
  }

  private ProcessorEntry(K key, boolean existed, Function<K, V> loader) {
    this.key = key;
    this.existed = existed;
    this.loader = loader;
  }

  /**
   * Runs {@code processor} on this entry; whatever it throws reaches the caller as an
   * {@link EntryProcessorException}.
   */
  public <T> T process(EntryProcessor<K, V, T> processor, Object... arguments) {
    try {
      return processor.process(this, arguments);
    } catch (EntryProcessorException e) {
      throw e;
    } catch (Exception e) {
      throw new EntryProcessorException(e);
    }
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

  /** Whether the entry existed before the processor ran. */
  public boolean existed() {
    return existed;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** The value the processor left, to store when the outcome is LOADED, CREATED or UPDATED. */
  public V value() {
    return value;
  }
}
