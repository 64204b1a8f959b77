package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamacache.testsupport.Certificates;
import io.kamacache.testsupport.EtcdProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Members reach an etcd that serves only TLS and wants client certificates, and nobody else does. */
class EtcdTlsTest {

  private static Certificates certificates;
  private static EtcdProcess etcd;
  private static Path[] client;

  @BeforeAll
  static void startTlsEtcd() {
    certificates = Certificates.create();
    Path[] server = certificates.signed("etcd");
    client = certificates.signed("member");
    etcd = EtcdProcess.startTls(server[0], server[1], certificates.caCert());
  }

  @AfterAll
  static void stop() {
    etcd.close();
    certificates.close();
  }

  private Map<String, String> tls(Path[] pair) {
    return Map.of(ClusterConfig.ETCD_TLS_TRUST, certificates.caCert().toString(),
        ClusterConfig.ETCD_TLS_CERT, pair[0].toString(), ClusterConfig.ETCD_TLS_KEY, pair[1].toString());
  }

  @Test
  void membersWithTheCaAndAClientCertificateFormACluster() {
    try (Members members = new Members(etcd.endpoint())) {
      CacheManager first = members.open("t1", tls(client));
      CacheManager second = members.open("t2", tls(client));
      Members.awaitRingSize(List.of(first, second), 2);
      Members.assertShareACache(first, second, "secured", 20);
    }
  }

  @Test
  void aMemberWithoutAClientCertificateTheCaSignedCannotJoin() {
    Path[] rogue = certificates.rogue("intruder");
    try (Members members = new Members(etcd.endpoint())) {
      assertThatThrownBy(() -> members.open("intruder",
          Map.of(ClusterConfig.ETCD_TLS_TRUST, certificates.caCert().toString(),
              ClusterConfig.ETCD_TLS_CERT, rogue[0].toString(), ClusterConfig.ETCD_TLS_KEY, rogue[1].toString(),
              ClusterConfig.TIMEOUT, "3000")))
          .isInstanceOf(CacheException.class).hasMessageContaining("etcd");
    }
  }
}
