package io.kamacache.cluster;

import io.grpc.Status;
import io.kamacache.transport.CallStream;
import java.net.ConnectException;
import javax.cache.CacheException;

/**
 * What a caller is told when a request to a member fails, the same whether it went as a call of
 * its own or in a batch on a get stream. The two failures an operator's own setting causes name
 * that setting, not just the status.
 */
final class CallFailures {

  private CallFailures() {}

  /**
   * Whether a failed call certainly never reached its member, so that trying again elsewhere is
   * safe even for a write: the channel was already shut down here (the member left this member's
   * view a moment before), or the connection was refused, or the member ended the request's
   * stream without reading it ({@link CallStream.Unread}).
   */
  static boolean neverSent(Status status) {
    if (status.getCode() != Status.Code.UNAVAILABLE) {
      return false;
    }
    if ("Channel shutdown invoked".equals(status.getDescription())) {
      return true; // grpc-java fails new calls on a shut-down channel before sending anything
    }
    for (Throwable cause = status.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException || cause instanceof CallStream.Unread) {
        return true;
      }
    }
    return false;
  }

  static CacheException of(String cache, HashRing.Member member, ClusterConfig config, Status status, Throwable cause) {
    switch (status.getCode()) {
      case RESOURCE_EXHAUSTED:
        return new CacheException("cache '" + cache + "': the request to member " + member + " or its response exceeded "
            + ClusterConfig.MAX_MESSAGE + " (" + config.maxMessageBytes + " bytes here): " + status, cause);
      case DEADLINE_EXCEEDED:
        return new CacheException("cache '" + cache + "': member " + member + " did not answer within "
            + ClusterConfig.TIMEOUT + " (" + config.timeout.toMillis() + " ms)", cause);
      default:
        return new CacheException("cache '" + cache + "': the call to member " + member + " failed: " + status, cause);
    }
  }
}
