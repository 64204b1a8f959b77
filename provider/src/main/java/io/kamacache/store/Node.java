package io.kamacache.store;

/** An entry, linked into exactly one of its bucket's two levels. */
final class Node<K, V> {
  final K key;
  /** Volatile, with {@link #expiresAt}: a lock-free hit reads them while a writer holds the lock. */
  volatile V value;
  volatile long expiresAt;
  /**
   * The cluster's version of this entry (0 in embedded mode): copies on other members keep the
   * newer state by it. Read and written only under the bucket's lock.
   */
  long version;
  /** 1 or 2; 0 for a list's sentinel. */
  byte level;
  /**
   * Set by a lock-free hit in level 2, cleared when the node is linked anew; see
   * {@link Bucket#touchIfFree}. Racy by design: a lost mark only costs the node its second chance.
   */
  boolean referenced;
  /**
   * Set while a change of this key works with its bucket unlocked ({@link Slot#unlocked}): until
   * it ends, no eviction, expiry or clear may take the node from under it. Under the bucket's lock.
   */
  boolean held;
  Node<K, V> prev;
  Node<K, V> next;
  /** {@link #hash} of the key. */
  final int hash;
  /** The next node in the same slot of the {@link Index}; read and written only through it. */
  Node<K, V> hashNext;

  Node(K key, V value, long expiresAt) {
    this.key = key;
    this.hash = key == null ? 0 : hash(key);
    this.value = value;
    this.expiresAt = expiresAt;
  }

  /** A sentinel: the list's head, whose next is the most recent and whose prev the least. */
  static <K, V> Node<K, V> sentinel() {
    Node<K, V> head = new Node<>(null, null, Expiry.NEVER);
    head.prev = head;
    head.next = head;
    return head;
  }

  /**
   * The hash a node is stored under; independent of the bits that picked the bucket. The odd
   * multiplier is MurmurHash3's, which carries every bit of the key's hash into the top bits.
   */
  static int hash(Object key) {
    return hashOf(key.hashCode());
  }

  /** {@link #hash} of a key whose hashCode is {@code keyHash}. */
  static int hashOf(int keyHash) {
    return keyHash * 0x85EBCA6B;
  }

  /**
   * The key's own hashCode, which the sketch and the ghosts know it by, worked back from
   * {@link #hash} (the multiplier's inverse modulo 2^32): an eviction reads it from the victim's
   * node, which it loads anyway, rather than from the key object, a cache miss of its own.
   */
  int keyHash() {
    return hash * 0xA5CB9243;
  }
}
