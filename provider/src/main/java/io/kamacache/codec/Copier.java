package io.kamacache.codec;

/**
 * Moves keys and values across the cache's boundary: what the store keeps, and what callers,
 * listeners and processors get back. Store-by-reference keeps the objects themselves.
 */
public interface Copier {

  /** The form the store keeps for {@code value}. */
  Object toStored(Object value);

  /** The caller's view of a stored form. */
  Object fromStored(Object stored);

  /** A key the caller can no longer change under the store. */
  Object copyKey(Object key);

  /** Store-by-reference: nothing is copied. */
  Copier BY_REFERENCE = new Copier() {
    @Override public Object toStored(Object value) {
      return value;
    }

    @Override public Object fromStored(Object stored) {
      return stored;
    }

    @Override public Object copyKey(Object key) {
      return key;
    }
  };
}
