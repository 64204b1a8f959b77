package io.kamacache.chaos.history;

/** How an operation ended, as far as the client that issued it can tell. */
public enum Status {
  /** Acknowledged, with a result: it took effect exactly once, between invocation and completion. */
  OK,
  /** Definitely did not take effect (for example, rejected before it was sent). */
  FAIL,
  /** May or may not have taken effect, at any time after its invocation: a timeout, an error, a kill. */
  UNKNOWN
}
