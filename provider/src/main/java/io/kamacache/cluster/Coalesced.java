package io.kamacache.cluster;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An action that callers asking at once share: each caller returns once a run that started after
 * it asked has finished, and at most one runs at a time. A flood of Refresh calls, or of requests
 * for a cache nobody defined, so costs etcd one read at a time rather than one each.
 */
final class Coalesced {

  private final Runnable action;
  private final AtomicLong asked = new AtomicLong();
  /** The last ticket a finished run covered; guarded by this. */
  private long covered;

  Coalesced(Runnable action) {
    this.action = action;
  }

  void run() {
    long ticket = asked.incrementAndGet();
    synchronized (this) {
      if (covered >= ticket) {
        return;
      }
      long upTo = asked.get(); // everyone who asked by now is covered by the run that starts now
      action.run();
      covered = upTo;
    }
  }
}
