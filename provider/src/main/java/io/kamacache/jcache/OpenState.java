package io.kamacache.jcache;

/** Whether a cache is still open; shared by the cache and its iterators. */
final class OpenState {

  private final String name;
  private volatile boolean closed;

  OpenState(String name) {
    this.name = name;
  }

  boolean isClosed() {
    return closed;
  }

  /** Closes it; true only for the one call that did. */
  synchronized boolean close() {
    if (closed) {
      return false;
    }
    closed = true;
    return true;
  }

  void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the cache '" + name + "' is closed");
    }
  }
}
