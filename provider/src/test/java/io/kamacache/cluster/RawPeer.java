package io.kamacache.cluster;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.kamacache.transport.PeerAuthentication;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Raw gRPC channels to a member, as a process that is not one would open them: with no proof at
 * all, or with a proof made from the cluster secret it read from etcd, as anyone with etcd read
 * access could.
 */
final class RawPeer {

  private RawPeer() {}

  /** A plaintext channel that proves nothing. */
  static ManagedChannel unauthenticated(String address) {
    return Grpc.newChannelBuilder(address, InsecureChannelCredentials.create()).build();
  }

  /** A channel whose calls claim to come from {@code id}, with a proof made from the secret in etcd. */
  static ManagedChannel withSecret(String etcdEndpoint, String cluster, String address, String id) {
    return withSecret(etcdEndpoint, cluster, address, id, InsecureChannelCredentials.create());
  }

  static ManagedChannel withSecret(String etcdEndpoint, String cluster, String address, String id,
      ChannelCredentials credentials) {
    byte[] secret = secret(etcdEndpoint, cluster);
    return Grpc.newChannelBuilder(address, credentials)
        .intercept(new PeerAuthentication(cluster, secret, false, Set.of()).client(id))
        .build();
  }

  static byte[] secret(String etcdEndpoint, String cluster) {
    try (Client client = Client.builder().endpoints(etcdEndpoint).build()) {
      ByteSequence key = ByteSequence.from("/kamacache/" + cluster + "/secret", StandardCharsets.UTF_8);
      String hex = client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue()
          .toString(StandardCharsets.US_ASCII);
      return HexFormat.of().parseHex(hex);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the cluster secret of " + cluster, e);
    }
  }
}
