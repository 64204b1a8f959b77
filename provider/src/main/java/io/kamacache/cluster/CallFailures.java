package io.kamacache.cluster;

import io.grpc.Status;
import javax.cache.CacheException;

/**
 * What a caller is told when a request to a member fails, the same whether it went as a call of
 * its own or in a batch on a get stream. The two failures an operator's own setting causes name
 * that setting, not just the status.
 */
final class CallFailures {

  private CallFailures() {}

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
