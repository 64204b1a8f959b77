package io.kamacache.chaos.check;

import io.kamacache.chaos.history.Fn;
import io.kamacache.chaos.history.Op;
import io.kamacache.chaos.history.Status;
import java.util.ArrayList;
import java.util.List;

/** Hand-made histories for tests: times are plain numbers, UNKNOWN operations never end. */
final class HistoryBuilder {

  private final List<Op> ops = new ArrayList<>();
  private String key = "k";
  private long nextId = 1;

  /** Operations added from now on go to {@code key}. */
  HistoryBuilder key(String key) {
    this.key = key;
    return this;
  }

  HistoryBuilder put(String process, long value, long start, long end) {
    return add(process, Fn.PUT, value, null, null, Status.OK, start, end);
  }

  HistoryBuilder get(String process, Long result, long start, long end) {
    return add(process, Fn.GET, null, null, result, Status.OK, start, end);
  }

  HistoryBuilder cas(String process, long expected, long value, boolean swapped, long start, long end) {
    return add(process, Fn.CAS, value, expected, swapped ? 1L : 0L, Status.OK, start, end);
  }

  HistoryBuilder getAndPut(String process, long value, Long result, long start, long end) {
    return add(process, Fn.GET_AND_PUT, value, null, result, Status.OK, start, end);
  }

  HistoryBuilder incr(String process, long result, long start, long end) {
    return add(process, Fn.INCR, null, null, result, Status.OK, start, end);
  }

  HistoryBuilder remove(String process, boolean removed, long start, long end) {
    return add(process, Fn.REMOVE, null, null, removed ? 1L : 0L, Status.OK, start, end);
  }

  HistoryBuilder unknown(String process, Fn fn, Long value, Long expected, long start) {
    return add(process, fn, value, expected, null, Status.UNKNOWN, start, Long.MAX_VALUE);
  }

  HistoryBuilder failed(String process, Fn fn, Long value, Long expected, long start, long end) {
    return add(process, fn, value, expected, null, Status.FAIL, start, end);
  }

  HistoryBuilder add(String process, Fn fn, Long arg, Long expected, Long result, Status status, long start,
      long end) {
    ops.add(new Op(process, nextId++, key, fn, arg, expected, result, status, start, end));
    return this;
  }

  List<Op> build() {
    return List.copyOf(ops);
  }
}
