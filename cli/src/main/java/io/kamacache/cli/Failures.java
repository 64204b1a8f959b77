package io.kamacache.cli;

import io.kamacache.cluster.ClusterAdmin;
import io.kamacache.cluster.ClusterConfig;
import io.kamacache.transport.PeerIdentity;

/** What a failed command tells the operator: the cause in one line, and what to do about it where we know. */
final class Failures {

  private Failures() {}

  static String describe(Throwable e) {
    if (e instanceof ClusterAdmin.Refused refused) {
      return (refused.authenticated() ? "permission denied: " : "not authenticated: ") + refused.getMessage()
          + (refused.authenticated() ? ". Reading needs a client's certificate; draining needs an admin's (OU="
          + PeerIdentity.ADMIN_UNIT + ") or a member's: see docs/security.md" : "");
    }
    String message = String.valueOf(e.getMessage());
    if (message.startsWith("cannot join cluster")) {
      // ClusterNode.start's failure: etcd did not answer, or refused our TLS or credentials.
      return "cannot reach etcd: " + message + ". Check --etcd (" + ClusterConfig.ENDPOINTS + ") and the etcd TLS"
          + " and user settings";
    }
    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
      return e.getMessage();
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
