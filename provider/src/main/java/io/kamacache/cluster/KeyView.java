package io.kamacache.cluster;

import io.etcd.jetcd.Client;

/**
 * The keys under one etcd prefix as a member knows them: read at start, followed afterwards, and
 * read again on demand. Each read or change hands the listener it was opened with a snapshot and
 * the revision it reflects. {@link PrefixView} is etcd's, and the only one in production.
 */
interface KeyView extends AutoCloseable {

  /** Reads the prefix, then follows its changes. */
  void start(long timeoutMillis) throws Exception;

  /** Reads the prefix again, linearizably, and returns the revision read at. */
  long reread(long timeoutMillis) throws Exception;

  /**
   * As {@link #reread(long)}, through {@code via} rather than the view's own client, whose channel
   * may still be waiting out gRPC's reconnection backoff after etcd was away: many seconds in
   * which every catch-up would time out.
   */
  long reread(Client via, long timeoutMillis) throws Exception;

  @Override
  void close();
}
