package io.kamacache.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A bounded map with a per-entry expiry time whose eviction policy is made of three parts:
 *
 * <ul>
 *   <li>LRU-2: two LRU lists per {@link Bucket}, entries promoted on their second access, level 2
 *       in CLOCK order so that a hit takes no lock, with the bucket's own hash {@link Index};
 *   <li>a frequency gate: keys evicted from level 1 are remembered in {@link GhostKeys}, and one
 *       that comes back enters level 2 only if a {@link FrequencySketch} says it is used more
 *       than level 2's victim (see {@link Bucket#insert});
 *   <li>a {@link Tuner}, one per store, that picks how open the gate is and how large level 2
 *       may grow by replaying one bucket's keys through a small model of a bucket per candidate.
 * </ul>
 *
 * <p>Keys are spread over {@code 2^k} independently locked {@link Bucket buckets}, so readers of
 * different buckets never contend. The bound is the store's: one shared count of entries, which
 * only inserts and removals touch (never a read), lets any bucket fill while the store has room,
 * and the inserting bucket evicts its own least valuable entry when the store is full.
 *
 * <p>Two kinds of lock: a bucket's lock guards its lists and index, and is only ever held for
 * work on them; a key's stripe lock ({@link #compute}) is held for the whole of a change of the
 * key, which is what gives the group its per-key atomicity. A change's slow work (a
 * {@code CacheWriter}, an entry processor, a backup's round trip) runs with the stripe held and
 * the bucket released ({@link Slot#unlocked}), so it holds up neither reads of the bucket's other
 * keys nor changes of keys in other stripes. That lets a bucket be as large as its eviction
 * policy wants (see {@link #MIN_ENTRIES_PER_BUCKET}) without costing concurrency.
 */
public final class Lru2Store<K, V> {

  /** The capacity of a store without a bound. */
  public static final long UNBOUNDED = Long.MAX_VALUE;

  /**
   * Fewer entries than this per bucket split the LRU-2 order and the sketch too finely: at 128 a
   * bucket's level 1 was a handful of entries, and 7 of the simulator's 59 trace sizes fell below
   * LRU; at 1,024, one (docs/performance.md, "Why the store is shaped as it is").
   */
  static final int MIN_ENTRIES_PER_BUCKET = 1024;
  /**
   * Stripe locks of a store: independent of the buckets, so two changes of different keys rarely
   * wait for each other even in a store of one bucket; about 12 KB a store.
   */
  static final int STRIPES = 256;
  /** Enough locks that threads rarely meet on one; more would only split the LRU order further. */
  static final int MAX_BUCKETS = 64;

  /** Package-private, with {@link #population}, for the store's invariant checks in tests. */
  final Bucket<K, V>[] buckets;
  private final int mask;
  /** A key's stripe is held for the whole of a change of it; see the class comment. */
  private final ReentrantLock[] stripes;
  private final Ticker ticker;
  /** The shared bound, or null when unbounded. */
  final Bucket.Population population;
  private int walkCursor;
  /** Who else may hold keys (cluster mode's key locks); null while nobody can. */
  private volatile KeyGuard<? super K> guard;
  private final AtomicInteger evictCursor = new AtomicInteger();

  public Lru2Store(long capacity, Ticker ticker, RemovalListener<K, V> listener) {
    this(capacity, bucketsFor(capacity), ticker, listener);
  }

  @SuppressWarnings("unchecked")
  Lru2Store(long capacity, int bucketCount, Ticker ticker, RemovalListener<K, V> listener) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    if (Integer.bitCount(bucketCount) != 1 || bucketCount > capacity) {
      throw new IllegalArgumentException("bucket count must be a power of two no larger than the capacity");
    }
    this.ticker = Objects.requireNonNull(ticker);
    this.mask = bucketCount - 1;
    this.buckets = new Bucket[bucketCount];
    this.stripes = new ReentrantLock[STRIPES];
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
    this.population = capacity == UNBOUNDED ? null : new Bucket.Population(capacity, this::evictElsewhere);
    Tuner tuner = new Tuner((int) Math.min(Integer.MAX_VALUE, capacity / bucketCount), bucketCount, Tuner.FIRST);
    for (int i = 0; i < bucketCount; i++) {
      // A share beyond what an int counts is as good as unbounded for one bucket.
      int share = (int) Math.min(Integer.MAX_VALUE,
          capacity == UNBOUNDED ? Integer.MAX_VALUE : capacity / bucketCount + (i < capacity % bucketCount ? 1 : 0));
      buckets[i] = new Bucket<>(share, population, tuner, i, listener);
    }
  }

  static int bucketsFor(long capacity) {
    long wanted = capacity == UNBOUNDED ? MAX_BUCKETS : capacity / MIN_ENTRIES_PER_BUCKET;
    int count = 1;
    while (count < MAX_BUCKETS && count * 2L <= wanted) {
      count *= 2;
    }
    return count;
  }

  /**
   * A well-spread 32-bit hash. {@code String.hashCode()} is already the BKDR polynomial (seed 31)
   * and is cached by the string; the multiply-and-fold spreads its low bits, which the mask keeps.
   * The multiplier is the golden ratio's (Fibonacci hashing), which spreads consecutive keys evenly.
   */
  static int spread(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  private Bucket<K, V> bucketOf(Object key) {
    return buckets[spread(key.hashCode()) & mask];
  }

  public Ticker ticker() {
    return ticker;
  }

  /** The key's stripe: the top bits of its node hash, independent of the bits that pick its bucket. */
  private ReentrantLock stripeOf(int keyHash) {
    return stripes[Node.hashOf(keyHash) >>> 24]; // 256 stripes: the top 8 bits
  }

  /**
   * Runs {@code function} on the key's slot while the key's stripe is held and, but for what the
   * function runs {@link Slot#unlocked}, its bucket is locked.
   */
  public <R> R compute(K key, KeyFunction<K, V, R> function) {
    int keyHash = key.hashCode();
    ReentrantLock stripe = stripeOf(keyHash);
    stripe.lock();
    try {
      return computeLocked(buckets[spread(keyHash) & mask], key, function);
    } finally {
      stripe.unlock();
    }
  }

  /** {@link #compute} once the stripe is held. */
  private <R> R computeLocked(Bucket<K, V> bucket, K key, KeyFunction<K, V, R> function) {
    bucket.lock.lock();
    BucketSlot<K, V> slot = null;
    try {
      slot = new BucketSlot<>(bucket, key, ticker);
      return function.apply(key, slot);
    } finally {
      try {
        if (slot != null) {
          slot.finish();
        }
      } finally {
        bucket.lock.unlock();
      }
    }
  }

  /**
   * Runs {@code function} as {@link #compute} does, once the key is not held elsewhere (see
   * {@link KeyGuard}): every change of a key goes through here, so none overtakes a holder. With
   * no guard, or nothing held, it costs one read of a volatile field more than compute.
   */
  public <R> R change(K key, KeyFunction<K, V, R> function) {
    KeyGuard<? super K> guarding = guard;
    // Kept this small so that it inlines into every write, with compute behind it, as before guards.
    return guarding == null ? compute(key, function) : guardedChange(key, function, guarding);
  }

  private <R> R guardedChange(K key, KeyFunction<K, V, R> function, KeyGuard<? super K> guarding) {
    int keyHash = key.hashCode();
    ReentrantLock stripe = stripeOf(keyHash);
    Bucket<K, V> bucket = buckets[spread(keyHash) & mask];
    while (true) {
      Object holder;
      stripe.lock();
      try {
        holder = guarding.holder(key);
        if (holder == null) {
          return computeLocked(bucket, key, function);
        }
      } finally {
        stripe.unlock();
      }
      guarding.await(holder);
    }
  }


  /** From now on, changes wait for the keys {@code guard} says are held elsewhere. */
  public void guardWith(KeyGuard<? super K> guard) {
    this.guard = guard;
  }

  /**
   * Makes room for an insert into {@code full}, whose lock the caller holds and whose only entry
   * is the new one: evicts from another bucket. It only ever tries other locks, so two buckets
   * doing this at once cannot deadlock; it waits while the others are busy or still inserting.
   */
  private void evictElsewhere(Bucket<?, ?> full) {
    while (population.over()) {
      boolean allFree = true;
      for (int tried = 0; tried < buckets.length; tried++) {
        Bucket<K, V> bucket = buckets[evictCursor.getAndIncrement() & mask];
        if (bucket == full) {
          continue;
        }
        if (!bucket.lock.tryLock()) {
          allFree = false;
          continue;
        }
        try {
          if (bucket.evictOne()) {
            return;
          }
        } finally {
          bucket.lock.unlock();
        }
      }
      if (allFree) {
        // Every other entry is held by a change working unlocked: the store stays over its bound
        // until one of them ends, and that change evicts (Bucket.release).
        return;
      }
      Thread.onSpinWait();
    }
  }

  /**
   * The read path, kept free of allocation: returns the live value and records the access, or
   * null. {@code onAccess} may move the expiry time; it runs under the bucket's lock. A hit on an
   * entry that never expires or is over {@link Ticker#RECENT_GUARD_NANOS} from expiring, with a rule
   * that never moves expiry times, takes no lock to find its value and reads no exact clock: it records the access only if the bucket's lock is free at that moment, so readers of
   * one hot key never queue behind each other. Under contention some accesses go unrecorded,
   * which only makes the LRU order a little less exact.
   */
  @SuppressWarnings("unchecked")
  public V get(K key, AccessRule<V> onAccess) {
    // The key's hash is asked for once, for both the bucket and the node.
    int keyHash = key.hashCode();
    Bucket<K, V> bucket = buckets[spread(keyHash) & mask];
    Object found = getLockFree(bucket, key, Node.hashOf(keyHash), onAccess);
    if (found != NEEDS_LOCK) {
      return (V) found;
    }
    bucket.lock.lock();
    try {
      return getLocked(bucket, key, onAccess);
    } finally {
      bucket.lock.unlock();
    }
  }

  /**
   * As {@link #get}, but never waits for the bucket's lock: returns {@code busy} where it would
   * have had to. In cluster mode a writer holds a key's lock while its backups answer, so a
   * transport thread reads this way and hands a busy read to a thread that may wait.
   */
  public Object getWithoutWaiting(K key, AccessRule<V> onAccess, Object busy) {
    int keyHash = key.hashCode();
    Bucket<K, V> bucket = buckets[spread(keyHash) & mask];
    Object found = getLockFree(bucket, key, Node.hashOf(keyHash), onAccess);
    if (found != NEEDS_LOCK) {
      return found;
    }
    if (!bucket.lock.tryLock()) {
      return busy;
    }
    try {
      return getLocked(bucket, key, onAccess);
    } finally {
      bucket.lock.unlock();
    }
  }

  /** What {@link #getLockFree} answers when only the bucket's lock can tell. */
  private static final Object NEEDS_LOCK = new Object();

  /** The read without the lock: the value, null for a miss, or {@link #NEEDS_LOCK}. */
  private Object getLockFree(Bucket<K, V> bucket, K key, int hash, AccessRule<V> onAccess) {
    if (onAccess.readsClock()) {
      return NEEDS_LOCK;
    }
    // The index is read without the lock; only the LRU bookkeeping needs it.
    int stamp = bucket.stamp();
    Node<K, V> node = bucket.get(key, hash);
    if (node == null) {
      // A resize that ran under the lookup may have missed a moved node: ask under the lock.
      return bucket.unchangedSince(stamp) ? null : NEEDS_LOCK;
    }
    long expiresAt = node.expiresAt;
    // Only an entry near its expiry time needs the exact clock and the lock.
    if (expiresAt == Expiry.NEVER || expiresAt - ticker.recentNanos() > Ticker.RECENT_GUARD_NANOS) {
      V value = node.value;
      bucket.touchIfFree(node);
      return value;
    }
    return NEEDS_LOCK;
  }

  private V getLocked(Bucket<K, V> bucket, K key, AccessRule<V> onAccess) {
    Node<K, V> node = bucket.get(key);
    if (node == null) {
      return null;
    }
    long now = ticker.nanos();
    if (Expiry.isExpired(node.expiresAt, now)) {
      if (!node.held) { // else its change removes it when it ends
        bucket.expire(node);
      }
      return null;
    }
    bucket.touch(node);
    long next = onAccess.expiresAt(node.value, node.expiresAt, now);
    if (next != node.expiresAt) {
      bucket.setExpiresAt(node, next);
    }
    return node.value;
  }

  /** Whether a live entry exists, without counting as an access. */
  public boolean containsKey(K key) {
    Bucket<K, V> bucket = bucketOf(key);
    bucket.lock.lock();
    try {
      return bucket.liveNode(key, ticker::nanos) != null;
    } finally {
      bucket.lock.unlock();
    }
  }

  /** The number of entries, counting expired ones the walker has not reached yet. */
  public long size() {
    // Bucket by bucket, without their locks, as ConcurrentHashMap counts: exact while no write is
    // under way, off by at most the writes under way otherwise. Counting under every bucket's lock
    // made a metrics scrape retry until all were free at once, which a busy store rarely allows,
    // and hold up every writer meanwhile. An insert at the bound evicts from another bucket just
    // after it, so while writes run the count may pass the bound by one per insert under way.
    long size = 0;
    for (Bucket<K, V> bucket : buckets) {
      size += bucket.sizeNow();
    }
    return size;
  }

  /**
   * A snapshot of the keys, bucket by bucket, with those a change is creating while it works
   * unlocked; entries may change while the caller walks it, and a read of a listed key waits for
   * its change.
   */
  public List<K> keys() {
    List<K> keys = new ArrayList<>();
    for (Bucket<K, V> bucket : buckets) {
      bucket.lock.lock();
      try {
        bucket.addKeysTo(keys);
      } finally {
        bucket.lock.unlock();
      }
    }
    return keys;
  }

  /**
   * Drops every entry without reporting it. A key whose change is working unlocked is dropped once
   * that change ends, so the clear comes after it rather than under it.
   */
  public void clear() {
    List<K> held = new ArrayList<>();
    for (Bucket<K, V> bucket : buckets) {
      bucket.lock.lock();
      try {
        bucket.clear(held);
      } finally {
        bucket.lock.unlock();
      }
    }
    for (K key : held) {
      compute(key, (k, slot) -> {
        slot.remove();
        return null;
      });
    }
  }

  /**
   * One step of the TTL walker: visits buckets from where the last step stopped, removing expired
   * entries, until {@code budget} has passed. Every bucket is visited at least once per
   * {@code buckets} steps whatever the budget, so no expired entry waits forever.
   *
   * @return the number of entries removed
   */
  public int expireStep(long budget, TimeUnit unit) {
    long start = ticker.nanos();
    long deadline = start + unit.toNanos(budget);
    int removed = 0;
    for (int visited = 0; visited < buckets.length; visited++) {
      Bucket<K, V> bucket;
      synchronized (this) {
        bucket = buckets[walkCursor];
        walkCursor = (walkCursor + 1) & mask;
      }
      if (bucket.expiring > 0) {
        bucket.lock.lock();
        try {
          removed += bucket.removeExpired(ticker.nanos());
        } finally {
          bucket.lock.unlock();
        }
      }
      if (ticker.nanos() - deadline >= 0) {
        break;
      }
    }
    return removed;
  }

  /** A function of one key's slot. */
  @FunctionalInterface
  public interface KeyFunction<K, V, R> {
    R apply(K key, Slot<V> slot);
  }

  /** Computes an entry's expiry time after a read. */
  @FunctionalInterface
  public interface AccessRule<V> {
    /** Returns the new expiry time, or {@code current} to leave it. */
    long expiresAt(V value, long current, long now);

    /**
     * Whether {@link #expiresAt} may move an expiry time, so needs the time. A rule that never
     * does lets a read of an entry that never expires skip the clock.
     */
    default boolean readsClock() {
      return true;
    }

    /** Leaves every expiry time as it is. */
    static <V> AccessRule<V> unchanged() {
      return new AccessRule<>() {
        @Override public long expiresAt(V value, long current, long now) {
          return current;
        }

        @Override public boolean readsClock() {
          return false;
        }
      };
    }
  }

  private static final class BucketSlot<K, V> implements Slot<V> {
    private final Bucket<K, V> bucket;
    private final K key;
    private final Ticker ticker;
    /** Read from the ticker when first needed; a write to an entry that never expires needs none. */
    private long now;
    private boolean timed;
    private Node<K, V> node;
    /** The node this slot {@link Bucket#hold held} for its unlocked work, released at {@link #finish}. */
    private Node<K, V> holding;

    BucketSlot(Bucket<K, V> bucket, K key, Ticker ticker) {
      this.bucket = bucket;
      this.key = key;
      this.ticker = ticker;
      this.node = bucket.nodeToChange(key, this::now);
    }

    /** The node, or null if gone: only a change of the same key further up this thread removes a held one. */
    private Node<K, V> node() {
      Node<K, V> current = node;
      if (current != null && current.level == 0) {
        node = current = null;
      }
      return current;
    }

    @Override public <R> R unlocked(Supplier<R> work) {
      Node<K, V> current = node();
      if (current != null && !current.held) {
        bucket.hold(current);
        holding = current;
      }
      if (current == null) {
        // A create: its key must be listed meanwhile, or a handover walking the keys would miss it.
        bucket.creating.add(key);
      }
      bucket.lock.unlock();
      try {
        return work.get();
      } finally {
        bucket.lock.lock();
        if (current == null) {
          bucket.creating.remove(key);
        }
      }
    }

    /** Ends the change, under the bucket's lock: lets go of a held node. */
    void finish() {
      if (holding != null) {
        Node<K, V> held = holding;
        holding = null;
        bucket.release(held, ticker::nanos);
      }
    }

    @Override public long now() {
      if (!timed) {
        now = ticker.nanos();
        timed = true;
      }
      return now;
    }

    @Override public boolean isPresent() {
      return node() != null;
    }

    @Override public V value() {
      Node<K, V> current = node();
      return current == null ? null : current.value;
    }

    @Override public long expiresAt() {
      Node<K, V> current = node();
      return current == null ? Expiry.NEVER : current.expiresAt;
    }

    @Override public long version() {
      Node<K, V> current = node();
      return current == null ? 0 : current.version;
    }

    @Override public void setVersion(long version) {
      Node<K, V> current = node();
      if (current != null) {
        current.version = version;
      }
    }

    @Override public void set(V value, long expiresAt) {
      Objects.requireNonNull(value);
      Node<K, V> current = node();
      if (current == null) {
        node = bucket.insert(key, value, expiresAt);
      } else {
        current.value = value;
        bucket.setExpiresAt(current, expiresAt);
        bucket.touch(current);
      }
    }

    @Override public void setExpiresAt(long expiresAt) {
      Node<K, V> current = node();
      if (current != null) {
        bucket.setExpiresAt(current, expiresAt);
      }
    }

    @Override public void touch() {
      Node<K, V> current = node();
      if (current != null) {
        bucket.touch(current);
      }
    }

    @Override public void remove() {
      Node<K, V> current = node();
      if (current != null) {
        if (current == holding) {
          holding = null;
          bucket.unhold(current);
        }
        bucket.unlink(current);
        node = null;
      }
    }
  }
}
