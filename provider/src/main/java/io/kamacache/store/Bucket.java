package io.kamacache.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One lock's worth of the store: a single index over two LRU lists.
 *
 * <ul>
 *   <li>A new key enters level 1. Its second access promotes it to level 2: at once when the access
 *       holds the lock, else when the key reaches level 1's tail (see {@link #touchIfFree}). Its
 *       return after eviction may promote it too, through the gate (see {@link #insert}).
 *   <li>Level 2 may hold at most {@link #level2Max} entries, a share the store's {@link Tuner}
 *       sets; its overflow is demoted to the head
 *       of level 1 rather than dropped, so a once-hot key gets a second chance.
 *   <li>Level 1 may use whatever level 2 does not, so a cold start is an LRU of the full size.
 *   <li>When the bucket is full, level 1's least recent entry is evicted (level 2's if level 1 is
 *       empty), and its hash is remembered in {@link GhostKeys}.
 * </ul>
 *
 * <p>The key lives in exactly one level, and the index maps it to its single node, so an update
 * changes the only copy of the value there is. Every method expects {@link #lock} to be held.
 */
final class Bucket<K, V> extends Index<K, V> {

  /** Ghosts remembered per entry: a key evicted twice a bucket ago can still come back to level 2. */
  static final int GHOST_FACTOR = 2;
  /**
   * How many marked nodes one demotion may send round again before it takes the least recent
   * regardless: readers may mark nodes while it runs, and it must end.
   */
  static final int MAX_SECOND_CHANCES = 64;

  final ReentrantLock lock = new ReentrantLock();
  /** The lists' sentinels, sizes and bound are package-private for the invariant checks in tests. */
  final Node<K, V> level1 = Node.sentinel();
  final Node<K, V> level2 = Node.sentinel();
  /** This bucket's even share of the store's capacity: it sizes level 2 and the ghost list. */
  private final int capacity;
  /** The store's entry count against its bound, or null when unbounded; see {@link #insert}. */
  private final Population population;
  int level2Max;
  /** Made at the first eviction: a cache that never fills pays nothing for it. */
  private GhostKeys ghosts;
  /** Made with the ghosts: how often keys were used lately, including keys no longer held. */
  private FrequencySketch sketch;
  /** Shared by the store's buckets, which run by its setting; null in a model, whose setting is fixed. */
  private final Tuner tuner;
  /** The tuner's replay of this bucket's accesses, in the few buckets sampled; else null. */
  private final Tuner.Sample sample;
  /** The setting this bucket runs by, see {@link Tuner.Setting}. */
  private Tuner.Setting setting;
  private final RemovalListener<K, V> listener;
  int level1Size;
  int level2Size;
  /** Entries with a finite expiry time; read without the lock by the walker as a hint. */
  volatile int expiring;
  /** Nodes {@link Node#held held} by changes working unlocked; a clear must wait for their keys. */
  int held;
  /**
   * Keys absent here whose change works unlocked and may create them: listed by {@link #addKeysTo}
   * and cleared after, so a handover or a clear waits for the create rather than missing it.
   */
  final List<K> creating = new ArrayList<>(0);

  /**
   * The bound is the store's, not the bucket's: keys never spread evenly over buckets, and a
   * bucket that filled its share while others had room would evict below the capacity the user
   * asked for. A bucket evicts its own least valuable entry when the store as a whole is full.
   */
  static final class Population {
    final long capacity;
    /** Entries present plus inserts under way; only ever changed under some bucket's lock. */
    final AtomicLong count = new AtomicLong();
    /** Evicts from any bucket but the one given, whose lock the caller holds. */
    final Consumer<Bucket<?, ?>> evictElsewhere;

    Population(long capacity, Consumer<Bucket<?, ?>> evictElsewhere) {
      this.capacity = capacity;
      this.evictElsewhere = evictElsewhere;
    }

    boolean over() {
      return count.get() > capacity;
    }
  }

  /**
   * A bucket of a store that runs by the tuner's setting; the store's {@code index}-th bucket,
   * which tells the tuner whether to replay its accesses.
   */
  Bucket(int capacity, Population population, Tuner tuner, int index,
      RemovalListener<K, V> listener) {
    this(capacity, population, tuner, tuner.sampleFor(index), tuner.setting(), listener);
  }

  private Bucket(int capacity, Population population, Tuner tuner, Tuner.Sample sample,
      Tuner.Setting setting, RemovalListener<K, V> listener) {
    this.capacity = capacity;
    this.population = population;
    this.tuner = tuner;
    this.sample = sample;
    this.setting = setting;
    this.level2Max = level2Max(capacity, setting);
    this.listener = listener;
  }

  /** A bucket of {@code capacity} entries at a fixed setting, as the tuner's model of one. */
  static Tuner.Model model(int capacity, Tuner.Setting setting) {
    Bucket<Integer, Boolean> model = new Bucket<>(capacity, new Population(capacity, full -> { }),
        null, null, setting, (key, value, cause) -> { });
    return key -> {
      Node<Integer, Boolean> node = model.get(key);
      if (node == null) {
        model.insert(key, Boolean.TRUE, Expiry.NEVER);
        return false;
      }
      // As a lock-free hit in the store does: a model that promoted every level-1 hit at once
      // scored the level-2 candidates above what the store gets at them, and the tuner left LRU
      // where it was best (orm-busy at 763 entries).
      model.touchIfFree(node);
      return true;
    };
  }

  /** Gives the tuner its models, once this bucket first evicts: a cache that never fills pays nothing for them. */
  private void startSample() {
    Tuner.Model[] models = new Tuner.Model[Tuner.CANDIDATES.length];
    for (int i = 0; i < models.length; i++) {
      models[i] = model(sample.modelCapacity(), Tuner.CANDIDATES[i]);
    }
    sample.start(models);
  }

  private static int level2Max(int capacity, Tuner.Setting setting) {
    return (int) (capacity * setting.level2Share);
  }

  int size() {
    return level1Size + level2Size;
  }

  /**
   * The key's node if it is live; an expired node is removed and reported on the way, unless a
   * change holds it, which removes it when it ends (see {@link #release}).
   */
  Node<K, V> liveNode(Object key, LongSupplier now) {
    Node<K, V> node = get(key);
    // Only an entry that can expire needs the clock: a write or a check of an eternal one reads none.
    if (node != null && node.expiresAt != Expiry.NEVER && Expiry.isExpired(node.expiresAt, now.getAsLong())) {
      if (!node.held) {
        expire(node);
      }
      return null;
    }
    return node;
  }

  /**
   * {@link #liveNode} for a change of the key, which holds the key's stripe: a node held now can
   * only be held by a change of the same key further up this thread, and it is the key's one
   * node, so the change sees it as it is rather than insert a second.
   */
  Node<K, V> nodeToChange(Object key, LongSupplier now) {
    Node<K, V> node = get(key);
    if (node != null && !node.held && node.expiresAt != Expiry.NEVER
        && Expiry.isExpired(node.expiresAt, now.getAsLong())) {
      expire(node);
      return null;
    }
    return node;
  }

  /**
   * Holds the node for a change that is about to work with the lock released: until
   * {@link #release}, nothing but that change removes it.
   */
  void hold(Node<K, V> node) {
    node.held = true;
    held++;
  }

  /**
   * Ends {@link #hold}. An entry that expired meanwhile goes now, and if a full store could not
   * evict while the node was held (see {@link #evict}), this bucket gives up an entry now.
   */
  void release(Node<K, V> node, LongSupplier now) {
    node.held = false;
    held--;
    if (node.level != 0 && node.expiresAt != Expiry.NEVER && Expiry.isExpired(node.expiresAt, now.getAsLong())) {
      expire(node);
    }
    if (population != null && population.over()) {
      evictOne();
    }
  }

  /** Ends {@link #hold} for a node its change is about to remove. */
  void unhold(Node<K, V> node) {
    node.held = false;
    held--;
  }

  /** Removes an expired node and reports it. */
  void expire(Node<K, V> node) {
    unlink(node);
    listener.onRemoval(node.key, node.value, RemovalCause.EXPIRED);
  }

  Node<K, V> insert(K key, V value, long expiresAt) {
    // A full store whose bucket has an entry to give up swaps that entry for the new one, and
    // its count stays as it is: two atomic updates fewer on each put into a full cache.
    boolean swap = population != null && size() > 0 && population.count.get() >= population.capacity;
    Node<K, V> node = new Node<>(key, value, expiresAt);
    add(node);
    if (expiresAt != Expiry.NEVER) {
      expiring++;
    }
    boolean reentry = false;
    if (sketch != null) {
      follow();
      int hash = node.keyHash();
      reentry = ghosts.remove(hash) || sketch.frequency(hash) >= setting.recallFrequency;
      sketch.increment(hash);
    }
    if (sample != null) {
      sample.access(node.hash);
    }
    if (reentry && admitToLevel2(node)) {
      linkLevel2(node);
    } else {
      linkFirst(level1, node, (byte) 1);
      level1Size++;
    }
    if (swap) {
      if (!evict(false)) {
        // Every other entry here is held by a change working unlocked: the store is one over its
        // bound until one of them ends (see release).
        population.count.incrementAndGet();
      }
    } else if (population != null && population.count.incrementAndGet() > population.capacity) {
      // As before the bound was shared: a new entry alone in level 1 may be the one to go.
      if (size() > 1) {
        evict(true);
      } else {
        population.evictElsewhere.accept(this);
      }
    }
    return node;
  }

  /**
   * Whether a key back from the ghosts may push level 2's least recent entry out. Letting every
   * one in, as plain 2Q does, cycles a loop longer than the cache through level 2 and hits
   * nothing; asking for a higher recent frequency than the victim's keeps part of the loop, as
   * TinyLFU's admission does. Recency-driven traces (a zigzag, small orm-busy caches) prefer the
   * former, so the setting says which.
   */
  private boolean admitToLevel2(Node<K, V> node) {
    if (level2Size < level2Max || level2Size == 0 || setting.gateOpen) {
      return true;
    }
    return sketch.frequency(node.keyHash()) > sketch.frequency(level2.prev.keyHash());
  }

  /**
   * Takes the tuner's setting if it changed, at an insert (never on a hit). Shrinking level 2
   * demotes at most the bucket once per change of setting.
   */
  private void follow() {
    if (tuner == null) {
      return;
    }
    Tuner.Setting wanted = tuner.setting();
    if (wanted != setting) {
      setting = wanted;
      level2Max = level2Max(capacity, wanted);
      while (level2Size > level2Max) {
        demoteOne();
      }
    }
  }

  /**
   * Records a hit without the lock. Level 2 is kept in CLOCK order rather than exact LRU order: a
   * hit there only marks the node as referenced (a write only when the mark is not already set),
   * and {@link #demoteOne} gives a marked node another round at the head. A hit in level 1 marks
   * the node too, and the mark promotes it to level 2 when it reaches level 1's tail
   * ({@link #evict}), rather than at once under the lock. So no hit takes the lock or writes
   * anything shared, and readers on two cores do not pass cache lines back and forth.
   */
  void touchIfFree(Node<K, V> node) {
    if (node.level == 1 && level2Max == 0 && ghosts != null) {
      // Tuned to plain LRU: a mark would give the node a second chance at the tail (CLOCK), which
      // loses badly where only exact recency pays (a zigzag), so move it now if the lock is free.
      // Not before the bucket first evicts (its ghosts exist from then on): until then there is
      // no tail to lose, and a store that starts as LRU would lock on every hit of a cache that
      // never fills. The racy read of ghosts only ever costs a mark instead of a move.
      if (lock.tryLock()) {
        try {
          if (node.level != 0) { // still indexed: it may have gone between the lookup and the lock
            touch(node);
          }
        } finally {
          lock.unlock();
        }
      }
      return;
    }
    if (!node.referenced) {
      node.referenced = true;
    }
    if (sample != null) {
      sample.recordLockFree(node.hash); // a write only in a sampled bucket, and only for its sampled keys
    }
  }

  void touch(Node<K, V> node) {
    if (sample != null) {
      sample.access(node.hash);
    }
    if (sketch != null) {
      sketch.increment(node.keyHash());
    }
    unlinkFromList(node);
    if (node.level == 1) {
      level1Size--;
      linkLevel2(node);
    } else {
      linkFirst(level2, node, (byte) 2);
    }
  }

  void setExpiresAt(Node<K, V> node, long expiresAt) {
    if ((node.expiresAt == Expiry.NEVER) != (expiresAt == Expiry.NEVER)) {
      expiring += expiresAt == Expiry.NEVER ? -1 : 1;
    }
    node.expiresAt = expiresAt;
  }

  /** Removes the node from the index and its level. */
  void unlink(Node<K, V> node) {
    detach(node);
    if (population != null) {
      population.count.decrementAndGet();
    }
  }

  /** {@link #unlink} without counting the entry out of the store's population. */
  private void detach(Node<K, V> node) {
    remove(node);
    unlinkFromList(node);
    if (node.level == 1) {
      level1Size--;
    } else {
      level2Size--;
    }
    if (node.expiresAt != Expiry.NEVER) {
      expiring--;
    }
    node.level = 0;
  }

  int removeExpired(long now) {
    int removed = 0;
    for (Node<K, V> head : List.of(level1, level2)) {
      Node<K, V> node = head.next;
      while (node != head) {
        Node<K, V> next = node.next;
        // A held node's change ends by removing it if it is still expired then (see release).
        if (!node.held && Expiry.isExpired(node.expiresAt, now)) {
          unlink(node);
          listener.onRemoval(node.key, node.value, RemovalCause.EXPIRED);
          removed++;
        }
        node = next;
      }
    }
    return removed;
  }

  /**
   * Drops every entry without reporting it, but those {@link #hold held}, whose keys it adds to
   * {@code heldKeys} for the caller to drop once their changes end.
   */
  void clear(List<K> heldKeys) {
    heldKeys.addAll(creating);
    if (held > 0) {
      for (Node<K, V> head : List.of(level1, level2)) {
        for (Node<K, V> node = head.next, next; node != head; node = next) {
          next = node.next;
          if (node.held) {
            heldKeys.add(node.key);
          } else {
            unlink(node);
          }
        }
      }
      if (ghosts != null) {
        ghosts.clear();
      }
      return;
    }
    if (population != null) {
      population.count.addAndGet(-indexed());
    }
    clearIndex();
    level1.next = level1;
    level1.prev = level1;
    level2.next = level2;
    level2.prev = level2;
    level1Size = 0;
    level2Size = 0;
    expiring = 0;
    if (ghosts != null) {
      ghosts.clear();
    }
  }

  private void linkLevel2(Node<K, V> node) {
    linkFirst(level2, node, (byte) 2);
    level2Size++;
    if (level2Size > level2Max) {
      demoteOne();
    }
  }

  private void demoteOne() {
    Node<K, V> demoted = level2.prev;
    for (int chances = 0; demoted.referenced && chances < MAX_SECOND_CHANCES; chances++) {
      unlinkFromList(demoted);
      linkFirst(level2, demoted, (byte) 2);
      if (sketch != null) {
        sketch.increment(demoted.keyHash());
      }
      demoted = level2.prev;
    }
    unlinkFromList(demoted);
    level2Size--;
    linkFirst(level1, demoted, (byte) 1);
    level1Size++;
  }

  /**
   * Evicts one entry if there is one not held; for a store over its bound whose inserting bucket had
   * none to spare, or a change that ends with the store over it.
   */
  boolean evictOne() {
    return size() > 0 && evict(true);
  }

  /**
   * Evicts the least valuable entry that no change holds; false if every one it tried was held.
   *
   * @param counted whether the victim leaves the store's count; not when it is swapped, see {@link #insert}
   */
  private boolean evict(boolean counted) {
    Node<K, V> victim = level1Size > 0 ? level1.prev : level2.prev;
    for (int chances = 0; chances < MAX_SECOND_CHANCES; chances++) {
      if (victim.held) {
        // Its change is under way with the lock released: it goes round again, as if just written.
        unlinkFromList(victim);
        linkFirst(victim.level == 1 ? level1 : level2, victim, victim.level);
      } else if (victim.level == 1 && victim.referenced) {
        // A level-1 node hit since it came in is promoted now instead of evicted (see touchIfFree).
        promote(victim);
      } else {
        break;
      }
      victim = level1Size > 0 ? level1.prev : level2.prev;
    }
    if (victim.held) {
      return false;
    }
    if (victim.level == 1) {
      if (ghosts == null) {
        ghosts = new GhostKeys((int) Math.min(Integer.MAX_VALUE, (long) capacity * GHOST_FACTOR));
        sketch = new FrequencySketch(capacity);
        if (sample != null) {
          startSample();
        }
      }
      ghosts.add(victim.keyHash());
    }
    if (counted) {
      unlink(victim);
    } else {
      detach(victim);
    }
    listener.onRemoval(victim.key, victim.value, RemovalCause.EVICTED);
    return true;
  }

  /** Moves a level-1 node that was hit to level 2, as its hit would have done under the lock. */
  private void promote(Node<K, V> node) {
    if (sketch != null) {
      sketch.increment(node.keyHash());
    }
    unlinkFromList(node);
    level1Size--;
    linkLevel2(node);
  }

  private static <K, V> void linkFirst(Node<K, V> head, Node<K, V> node, byte level) {
    node.referenced = false;
    node.level = level;
    node.prev = head;
    node.next = head.next;
    head.next.prev = node;
    head.next = node;
  }

  private static <K, V> void unlinkFromList(Node<K, V> node) {
    node.prev.next = node.next;
    node.next.prev = node.prev;
    node.prev = null;
    node.next = null;
  }

  /** The keys held, and those being created, for a snapshot; the caller holds the lock. */
  void addKeysTo(List<K> keys) {
    for (Node<K, V> head : List.of(level1, level2)) {
      for (Node<K, V> node = head.next; node != head; node = node.next) {
        keys.add(node.key);
      }
    }
    keys.addAll(creating);
  }
}
