package io.kamacache.chaos.history;

import java.util.Objects;

/**
 * One recorded operation on one key.
 *
 * @param process the recording worker, for example {@code "m1-t3"}
 * @param id unique among the operations of {@code process}
 * @param key the cache key the operation touched
 * @param fn what it did (see {@link Fn} for the semantics of {@code arg}, {@code expected} and
 *     {@code result})
 * @param arg the value written, or null when {@code fn} writes none
 * @param expected the expected value of a {@link Fn#CAS}, else null
 * @param result the result when {@code status} is {@link Status#OK}; null when there is none
 * @param status how the operation ended
 * @param start {@link System#nanoTime()} before the operation was issued
 * @param end {@link System#nanoTime()} after it returned, or {@link Long#MAX_VALUE} if it never did
 */
public record Op(
    String process,
    long id,
    String key,
    Fn fn,
    Long arg,
    Long expected,
    Long result,
    Status status,
    long start,
    long end) {

  public Op {
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fn, "fn");
    Objects.requireNonNull(status, "status");
  }
}
