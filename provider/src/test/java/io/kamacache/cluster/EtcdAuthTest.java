package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Members reach an etcd with authentication on when they bring its user and password, and only then. */
class EtcdAuthTest {

  private static final String USER = "root";
  private static final String PASSWORD = "s3cret-for-tests";

  private static EtcdProcess etcd;

  @BeforeAll
  static void startEtcdWithAuthentication() throws Exception {
    etcd = EtcdProcess.start();
    try (Client admin = Client.builder().endpoints(etcd.endpoint()).build()) {
      ByteSequence root = bytes(USER);
      admin.getAuthClient().userAdd(root, bytes(PASSWORD)).get(10, TimeUnit.SECONDS);
      admin.getAuthClient().roleAdd(root).get(10, TimeUnit.SECONDS);
      admin.getAuthClient().userGrantRole(root, root).get(10, TimeUnit.SECONDS);
      admin.getAuthClient().authEnable().get(10, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() {
    etcd.close();
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  @Test
  void membersWithTheUserAndPasswordFormACluster() {
    Map<String, String> credentials = Map.of(ClusterConfig.ETCD_USER, USER, ClusterConfig.ETCD_PASSWORD, PASSWORD);
    try (Members members = new Members(etcd.endpoint())) {
      CacheManager first = members.open("a1", credentials);
      CacheManager second = members.open("a2", credentials);
      Members.awaitRingSize(List.of(first, second), 2);
      Members.assertShareACache(first, second, "guarded", 20);
    }
  }

  @Test
  void keepalivesAuthenticateAndRenewTheLease() throws Exception {
    try (Client client = Client.builder().endpoints(etcd.endpoint()).user(bytes(USER)).password(bytes(PASSWORD)).build();
        LeaseKeeper keeper = new LeaseKeeper(LeaseKeeperTest.config(etcd.endpoint(),
            ClusterConfig.ETCD_USER, USER, ClusterConfig.ETCD_PASSWORD, PASSWORD))) {
      long lease = client.getLeaseClient().grant(8).get(10, TimeUnit.SECONDS).getID();
      org.assertj.core.api.Assertions.assertThat(
          keeper.keepAlive(lease, TimeUnit.SECONDS.toNanos(5)).get(10, TimeUnit.SECONDS)).isEqualTo(8);
    }
  }

  @Test
  void aMemberWithAWrongPasswordCannotJoin() {
    try (Members members = new Members(etcd.endpoint())) {
      assertThatThrownBy(() -> members.open("intruder", Map.of(ClusterConfig.ETCD_USER, USER,
          ClusterConfig.ETCD_PASSWORD, "wrong", ClusterConfig.TIMEOUT, "3000")))
          .isInstanceOf(CacheException.class).hasMessageContaining("etcd");
    }
  }

  @Test
  void aMemberWithoutCredentialsCannotJoin() {
    try (Members members = new Members(etcd.endpoint())) {
      assertThatThrownBy(() -> members.open("anonymous", Map.of(ClusterConfig.TIMEOUT, "3000")))
          .isInstanceOf(CacheException.class).hasMessageContaining("etcd");
    }
  }
}
