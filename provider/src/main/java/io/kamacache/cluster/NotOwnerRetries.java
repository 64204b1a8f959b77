package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;

/**
 * What a caller does when an owner refuses a key (NOT_OWNER, or it could not be reached): reads
 * the members again, pauses, and lets the caller try again, a bounded number of times within the
 * request timeout. A refusal changed nothing for the keys it names, so trying them again is always
 * safe.
 */
final class NotOwnerRetries {

  /**
   * Retry n (from 1; the first retry goes at once) pauses this many ms times 2^n: about as long as
   * etcd takes to tell the members of a change, so a retry rarely meets the same refusal.
   */
  private static final long PAUSE_BASE_MILLIS = 10;
  /** The longest pause: a retry a quarter second late costs little next to failing the call. */
  private static final long MAX_PAUSE_MILLIS = 250;
  /** Pauses stop doubling here (10 ms times 2^5 is past the cap anyway). */
  private static final int MAX_DOUBLINGS = 5;

  /** Thrown inside the router when an owner refuses a key; never reaches the caller. */
  static final class NotOwner extends RuntimeException {
    /** The only keys refused (codec bytes), the others having been applied; null when all were. */
    final transient Set<ByteString> onlyKeys;

    NotOwner(String why) {
      this(why, null);
    }

    NotOwner(String why, Set<ByteString> onlyKeys) {
      super(why, null, false, false);
      this.onlyKeys = onlyKeys;
    }
  }

  private final String cache;
  private final ClusterConfig config;
  private final Membership membership;
  private final ClusterMetrics metrics;

  NotOwnerRetries(String cache, ClusterConfig config, Membership membership, ClusterMetrics metrics) {
    this.cache = cache;
    this.config = config;
    this.membership = membership;
    this.metrics = metrics;
  }

  /** When a call routed now must have its answer: the request timeout covers every retry. */
  long deadline() {
    return System.nanoTime() + config.timeout.toNanos();
  }

  /**
   * After a refusal: reads the members again and, after a pause that grows from 10 to 250 ms,
   * lets the caller try again, until the request timeout or the retry limit is reached.
   */
  void afterRefusal(int attempt, long deadline, NotOwner refusal) {
    long left = deadline - System.nanoTime();
    if (attempt >= config.retries || left <= 0) {
      throw new CacheException("cache '" + cache + "': no member could serve the key within "
          + ClusterConfig.TIMEOUT + " (" + config.timeout.toMillis() + " ms) after " + (attempt + 1)
          + " attempts; the last refusal: " + refusal.getMessage() + ". Is the cluster's membership settling,"
          + " or is the key's owner cut off from etcd?");
    }
    metrics.notOwnerRetry();
    membership.refresh();
    if (attempt > 0) {
      long pause = Math.min(MAX_PAUSE_MILLIS, PAUSE_BASE_MILLIS << Math.min(attempt, MAX_DOUBLINGS));
      try {
        Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, pause));
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new CacheException("interrupted while routing", interrupted);
      }
    }
  }
}
