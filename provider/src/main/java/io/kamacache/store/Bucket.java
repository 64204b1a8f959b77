package io.kamacache.store;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One lock's worth of the store: a single index over two LRU lists.
 *
 * <ul>
 *   <li>A new key enters level 1. Its second access promotes it to level 2: at once when the access
 *       holds the lock, else when the key reaches level 1's tail (see {@link #touchIfFree}).
 *   <li>Level 2 may hold at most {@link #level2Max} entries; its overflow is demoted to the head
 *       of level 1 rather than dropped, so a once-hot key gets a second chance.
 *   <li>Level 1 may use whatever level 2 does not, so a cold start is an LRU of the full size.
 *   <li>When the bucket is full, level 1's least recent entry is evicted (level 2's if level 1 is
 *       empty), and its hash is remembered in {@link GhostKeys}.
 * </ul>
 *
 * <p>The key lives in exactly one level, and the index maps it to its single node, so an update
 * changes the only copy of the value there is. Every method expects {@link #lock} to be held.
 */
final class Bucket<K, V> {

  /**
   * Level 2's largest share of the bucket: a large protected level 2 is what holds a loop's keys
   * (the measurements are in docs/performance.md, "Why the store is shaped as it is").
   */
  static final double LEVEL2_SHARE = 0.8;
  /** Ghosts remembered per entry: a key evicted twice a bucket ago can still come back to level 2. */
  static final int GHOST_FACTOR = 2;
  /**
   * The {@link Climber}'s positions: 0 to {@link #ADMIT_STEPS} is how many of every
   * {@code ADMIT_STEPS} re-entries the gate refuses are let in anyway; past that, level 2 shrinks
   * by {@link #SHRINK} of the bucket per step, for workloads where recency is nearly all that
   * matters. Eight steps take the gate by eighths from shut (TinyLFU's admission) to open (2Q's).
   */
  static final int ADMIT_STEPS = 8;
  /** Steps of shrinking: 12 of {@link #SHRINK} take level 2 from 0.8 of the bucket down to a fifth. */
  static final int SHRINK_STEPS = 12;
  /** Level 2's share lost per step past {@link #ADMIT_STEPS}: one step moves a twentieth of the bucket. */
  static final double SHRINK = 0.05;
  /**
   * How many marked nodes one demotion may send round again before it takes the least recent
   * regardless: readers may mark nodes while it runs, and it must end.
   */
  static final int MAX_SECOND_CHANCES = 64;

  final ReentrantLock lock = new ReentrantLock();
  /** Changed only under {@link #lock}; read without it on the lock-free hit path. */
  final Index<K, V> byKey = new Index<>();
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
  /** Shared by the store's buckets; this bucket runs where it says, see {@link #climb}. */
  private final Climber climber;
  /** This bucket's index in the store, which tells the climber which half it is in. */
  private final int index;
  /**
   * Where this bucket runs, see {@link #ADMIT_STEPS}. It starts with the gate shut, since a loop
   * is over in a few samples and only a shut gate keeps any of it.
   */
  private double climbPosition;
  /** The climber's sample that {@link #climbPosition} is for; -1 before the first. */
  private int climbSample = -1;
  /** Spreads the let-in re-entries evenly rather than in runs. */
  private double admitCredit;
  /** Accesses counted for the climber and not yet reported to it. */
  private int sampleHits;
  private int sampleMisses;
  private final RemovalListener<K, V> listener;
  int level1Size;
  int level2Size;
  /** Entries with a finite expiry time; read without the lock by the walker as a hint. */
  volatile int expiring;

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

  Bucket(int capacity, Population population, Climber climber, int index,
      RemovalListener<K, V> listener) {
    this.capacity = capacity;
    this.population = population;
    this.climber = climber;
    this.index = index;
    this.level2Max = (int) (capacity * LEVEL2_SHARE);
    this.listener = listener;
  }

  int size() {
    return level1Size + level2Size;
  }

  /** The key's node if it is live; an expired node is removed and reported on the way. */
  Node<K, V> liveNode(Object key, long now) {
    Node<K, V> node = byKey.get(key);
    if (node != null && Expiry.isExpired(node.expiresAt, now)) {
      expire(node);
      return null;
    }
    return node;
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
    byKey.add(node);
    if (expiresAt != Expiry.NEVER) {
      expiring++;
    }
    boolean reentry = false;
    if (sketch != null) {
      reentry = ghosts.remove(key.hashCode());
      sketch.increment(key.hashCode());
      sampleMisses++;
      climb();
    }
    if (reentry && admitToLevel2(key)) {
      linkLevel2(node);
    } else {
      linkFirst(level1, node, (byte) 1);
      level1Size++;
    }
    if (swap) {
      evict(false);
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
   * TinyLFU's admission does. Recency-driven traces (small orm-busy caches) prefer the former,
   * so the climber decides how often a refused key comes in anyway.
   */
  private boolean admitToLevel2(K key) {
    if (level2Size < level2Max || level2Size == 0) {
      return true;
    }
    if (sketch.frequency(key.hashCode()) > sketch.frequency(level2.prev.key.hashCode())) {
      return true;
    }
    admitCredit += Math.min(ADMIT_STEPS, climbPosition);
    if (admitCredit >= ADMIT_STEPS) {
      admitCredit -= ADMIT_STEPS;
      return true;
    }
    return false;
  }

  /** Counts a read hit for the climber; misses are counted by {@link #insert}. */
  void recordHit() {
    if (sketch != null) {
      sampleHits++;
    }
  }

  /**
   * Reports this bucket's accesses to the store's climber in batches, and follows the climber to
   * a new sample's position at the first insert after it starts. Counts that straddle the change
   * are dropped: they were made at the old position. Shrinking level 2 demotes at most the
   * bucket once per sample, O(1) amortized over the sample's accesses.
   */
  private void climb() {
    int sample = climber.sample();
    if (sample != climbSample) {
      climbSample = sample;
      sampleHits = 0;
      sampleMisses = 0;
      climbPosition = climber.positionFor(index, sample);
      level2Max = (int) (capacity * (LEVEL2_SHARE - SHRINK * Math.max(0, climbPosition - ADMIT_STEPS)));
      while (level2Size > level2Max) {
        demoteOne();
      }
    } else if (sampleHits + sampleMisses >= Climber.REPORT) {
      climber.report(index, sample, sampleHits, sampleMisses);
      sampleHits = 0;
      sampleMisses = 0;
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
    if (!node.referenced) {
      node.referenced = true;
    }
    recordHit(); // without the lock: lossy under contention, which a sample's hit rate can bear
  }

  void touch(Node<K, V> node) {
    if (sketch != null) {
      sketch.increment(node.key.hashCode());
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
    byKey.remove(node);
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
        if (Expiry.isExpired(node.expiresAt, now)) {
          unlink(node);
          listener.onRemoval(node.key, node.value, RemovalCause.EXPIRED);
          removed++;
        }
        node = next;
      }
    }
    return removed;
  }

  void clear() {
    if (population != null) {
      population.count.addAndGet(-byKey.size());
    }
    byKey.clear();
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
        sketch.increment(demoted.key.hashCode());
      }
      demoted = level2.prev;
    }
    unlinkFromList(demoted);
    level2Size--;
    linkFirst(level1, demoted, (byte) 1);
    level1Size++;
  }

  /** Evicts one entry if there is one; for a store over its bound whose inserting bucket had none to spare. */
  boolean evictOne() {
    if (size() == 0) {
      return false;
    }
    evict(true);
    return true;
  }

  /** @param counted whether the victim leaves the store's count; not when it is swapped, see {@link #insert} */
  private void evict(boolean counted) {
    Node<K, V> victim = level1Size > 0 ? level1.prev : level2.prev;
    // A level-1 node hit since it came in is promoted now instead of evicted (see touchIfFree).
    for (int chances = 0; victim.level == 1 && victim.referenced && chances < MAX_SECOND_CHANCES; chances++) {
      promote(victim);
      victim = level1Size > 0 ? level1.prev : level2.prev;
    }
    if (victim.level == 1) {
      if (ghosts == null) {
        ghosts = new GhostKeys((int) Math.min(Integer.MAX_VALUE, (long) capacity * GHOST_FACTOR));
        sketch = new FrequencySketch(capacity);
      }
      ghosts.add(victim.key.hashCode());
    }
    if (counted) {
      unlink(victim);
    } else {
      detach(victim);
    }
    listener.onRemoval(victim.key, victim.value, RemovalCause.EVICTED);
  }

  /** Moves a level-1 node that was hit to level 2, as its hit would have done under the lock. */
  private void promote(Node<K, V> node) {
    if (sketch != null) {
      sketch.increment(node.key.hashCode());
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

  /** The keys held, for a snapshot; the caller holds the lock. */
  void addKeysTo(List<K> keys) {
    for (Node<K, V> head : List.of(level1, level2)) {
      for (Node<K, V> node = head.next; node != head; node = node.next) {
        keys.add(node.key);
      }
    }
  }
}
