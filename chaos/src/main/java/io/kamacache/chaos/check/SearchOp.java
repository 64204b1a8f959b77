package io.kamacache.chaos.check;

import io.kamacache.chaos.history.Fn;
import io.kamacache.chaos.history.Op;
import io.kamacache.chaos.history.Status;

/** A recorded operation as the search sees it: an UNKNOWN one has no end, since it may land any time. */
final class SearchOp {

  final Op op;
  final Fn fn;
  final boolean ok;
  final Long arg;
  final Long expected;
  final Long result;
  final long start;
  final long end;

  SearchOp(Op op) {
    this.op = op;
    this.fn = op.fn();
    this.ok = op.status() == Status.OK;
    this.arg = op.arg();
    this.expected = op.expected();
    this.result = op.result();
    this.start = op.start();
    this.end = ok ? op.end() : Long.MAX_VALUE;
  }
}
