package io.kamacache.cluster;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's secret, kept in etcd at {@code /<prefix>/<cluster>/secret}: whoever can read it
 * is a member or client of the cluster. Without mutual TLS, calls prove their sender with it
 * (see {@link io.kamacache.transport.PeerAuthentication}), so a process that merely reaches a
 * member's port can neither read nor change anything. The first node to start writes it.
 */
final class ClusterSecret {

  /** 256 bits: as strong as the HMAC-SHA256 it keys. */
  private static final int BYTES = 32;

  private ClusterSecret() {}

  static byte[] readOrCreate(Client client, ClusterConfig config) throws Exception {
    String path = config.etcdKey("secret");
    ByteSequence key = PrefixView.bytes(path);
    // Read first: under least-privilege etcd roles nobody may write it, and a transaction that
    // could write it needs that right even when it only reads.
    List<KeyValue> stored = client.getKVClient().get(key).get(config.timeout.toMillis(), TimeUnit.MILLISECONDS).getKvs();
    if (!stored.isEmpty()) {
      return parse(stored, path);
    }
    byte[] fresh = new byte[BYTES];
    new SecureRandom().nextBytes(fresh);
    ByteSequence value = ByteSequence.from(HexFormat.of().formatHex(fresh).getBytes(StandardCharsets.US_ASCII));
    // Create-if-absent: two nodes starting at once agree on whichever secret was written first.
    TxnResponse response;
    try {
      response = client.getKVClient().txn()
          .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
          .Then(Op.put(key, value, PutOption.DEFAULT))
          .Else(Op.get(key, GetOption.DEFAULT))
          .commit().get(config.timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (String.valueOf(e.getCause()).contains("permission denied")) {
        throw new IllegalStateException("the cluster has no secret at " + path + " yet, and this node's etcd user may"
            + " not write it: write it once as an administrator, e.g. etcdctl put " + path
            + " \"$(openssl rand -hex 32)\" (see docs/security.md)", e);
      }
      throw e;
    }
    if (response.isSucceeded()) {
      return fresh;
    }
    return parse(response.getGetResponses().get(0).getKvs(), path);
  }

  private static byte[] parse(List<KeyValue> existing, String key) {
    String hex = existing.isEmpty() ? "" : existing.get(0).getValue().toString(StandardCharsets.US_ASCII);
    try {
      byte[] secret = HexFormat.of().parseHex(hex.trim());
      if (secret.length >= 16) {
        return secret;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new IllegalStateException("the cluster secret in etcd at " + key + " is not a hex string of at least 32 digits;"
        + " delete the key to have the next member to start write a new one (every node must then restart)");
  }
}
