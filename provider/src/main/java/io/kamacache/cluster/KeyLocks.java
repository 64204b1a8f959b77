package io.kamacache.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The key locks this member grants as an owner, one {@link CacheLocks} per cache: the locks under
 * which entry processors that cannot travel run on their callers. A lock lasts at most its lease,
 * and goes as soon as this member may no longer own its key (a new ring without it, a lost etcd
 * lease, leaving), so a late Unlock finds nothing and is refused.
 */
final class KeyLocks {

  private final String self;
  private final long maxLeaseNanos;
  /** Tokens start at a random point, so one from an earlier run of this member matches nothing. */
  private final AtomicLong tokens = new AtomicLong(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  private final Map<String, CacheLocks> byCache = new ConcurrentHashMap<>();

  KeyLocks(String self, Duration maxLease) {
    this.self = self;
    this.maxLeaseNanos = maxLease.toNanos();
  }

  CacheLocks of(String cache) {
    return byCache.computeIfAbsent(cache, name -> new CacheLocks(name));
  }

  /** A new token, never 0 (which a request that sets none carries). */
  long nextToken() {
    long token;
    do {
      token = tokens.incrementAndGet();
    } while (token == 0);
    return token;
  }

  /** The lease of a new lock: what the caller asked for, at most this member's setting; 0 asks for that. */
  long leaseNanos(long requestedMillis) {
    long requested = requestedMillis <= 0 ? maxLeaseNanos : Duration.ofMillis(requestedMillis).toNanos();
    return Math.min(requested, maxLeaseNanos);
  }

  /** A new ring: locks on keys this member does not own there end now. */
  void onRing(HashRing ring) {
    for (CacheLocks locks : byCache.values()) {
      locks.dropUnless(key -> {
        HashRing.Member owner = ring.owner(key);
        return owner != null && owner.id().equals(self);
      });
    }
  }

  /** This member lost its lease, is leaving or closed a cache: every lock (of that cache) ends now. */
  void dropAll() {
    for (CacheLocks locks : byCache.values()) {
      locks.dropUnless(key -> false);
    }
  }

  void dropAll(String cache) {
    CacheLocks locks = byCache.get(cache);
    if (locks != null) {
      locks.dropUnless(key -> false);
    }
  }
}
