package io.kamacache.cluster;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import javax.cache.CacheException;
import javax.net.ssl.SSLException;

/** Makes the etcd clients a member uses, from its settings: endpoints, timeout, TLS and user. */
final class EtcdClients {

  private EtcdClients() {}

  static Client connect(ClusterConfig config) {
    return builder(config).build();
  }

  /** The builder {@link #connect} uses, apart so that its settings can be checked. */
  static ClientBuilder builder(ClusterConfig config) {
    ClientBuilder builder = Client.builder()
        .endpoints(config.endpoints.toArray(new URI[0]))
        .connectTimeout(config.timeout)
        // jetcd pings even with no call open, which etcd counts against the client: after a few
        // such pings it closes the connection (GOAWAY too_many_pings), failing the lease keepalive
        // and the watches on it, so the lease proof lapses. With calls open (watches) pings still go.
        .keepaliveWithoutCalls(false);
    if (config.etcdTlsTrust != null || config.etcdTlsCert != null) {
      try {
        builder.sslContext(ssl -> {
          if (config.etcdTlsTrust != null) {
            ssl.trustManager(config.etcdTlsTrust.toFile());
          }
          if (config.etcdTlsCert != null) {
            ssl.keyManager(config.etcdTlsCert.toFile(), config.etcdTlsKey.toFile());
          }
        });
      } catch (SSLException | RuntimeException e) {
        throw new CacheException("cannot use the etcd TLS files (" + ClusterConfig.ETCD_TLS_TRUST + ", "
            + ClusterConfig.ETCD_TLS_CERT + ", " + ClusterConfig.ETCD_TLS_KEY + "): " + e.getMessage(), e);
      }
    }
    if (config.etcdUser != null) {
      builder.user(ByteSequence.from(config.etcdUser, StandardCharsets.UTF_8))
          .password(ByteSequence.from(config.etcdPassword, StandardCharsets.UTF_8));
    }
    return builder;
  }
}
