package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import io.kamacache.testsupport.EtcdProcess;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Members reach an etcd with authentication on when they bring its user and password, and only then.
 * This etcd serves plain http on loopback, so the password goes in clear text, which members
 * accept only when told to.
 */
class EtcdAuthTest {

  private static final String USER = "root";
  private static final String PASSWORD = "s3cret-for-tests";
  private static final String PLAINTEXT_ALLOWED = "true";

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
    Map<String, String> credentials = Map.of(ClusterConfig.ETCD_USER, USER, ClusterConfig.ETCD_PASSWORD, PASSWORD,
        ClusterConfig.ETCD_ALLOW_PLAINTEXT_PASSWORD, PLAINTEXT_ALLOWED);
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
            ClusterConfig.ETCD_USER, USER, ClusterConfig.ETCD_PASSWORD, PASSWORD,
            ClusterConfig.ETCD_ALLOW_PLAINTEXT_PASSWORD, PLAINTEXT_ALLOWED))) {
      long lease = client.getLeaseClient().grant(8).get(10, TimeUnit.SECONDS).getID();
      org.assertj.core.api.Assertions.assertThat(
          keeper.keepAlive(lease, TimeUnit.SECONDS.toNanos(5)).get(10, TimeUnit.SECONDS)).isEqualTo(8);
    }
  }

  @Test
  void aMemberWithAWrongPasswordCannotJoin() {
    try (Members members = new Members(etcd.endpoint())) {
      assertThatThrownBy(() -> members.open("intruder", Map.of(ClusterConfig.ETCD_USER, USER,
          ClusterConfig.ETCD_PASSWORD, "wrong", ClusterConfig.ETCD_ALLOW_PLAINTEXT_PASSWORD, PLAINTEXT_ALLOWED,
          ClusterConfig.TIMEOUT, "3000")))
          .isInstanceOf(CacheException.class).hasMessageContaining("etcd");
    }
  }

  /**
   * The roles docs/security.md gives: one shared by the members, and one per member for its own
   * registration and leave mark. They are enough to register, share a cache, announce listeners,
   * destroy the cache and leave; and a member's user cannot register under another id.
   */
  @Test
  void membersWithTheDocumentedLeastPrivilegeRolesFormAClusterAndCannotRegisterAsAnother() throws Exception {
    try (Members members = new Members(etcd.endpoint());
        Client admin = Client.builder().endpoints(etcd.endpoint()).user(bytes(USER)).password(bytes(PASSWORD)).build()) {
      io.etcd.jetcd.Auth auth = admin.getAuthClient();
      String prefix = "/kamacache/" + members.cluster() + "/";
      String shared = members.cluster() + "-member";
      auth.roleAdd(bytes(shared)).get(10, TimeUnit.SECONDS);
      grant(auth, shared, prefix + "members/", true, Permission.Type.READ);
      grant(auth, shared, prefix + "left/", true, Permission.Type.READ);
      grant(auth, shared, prefix + "caches/", true, Permission.Type.READWRITE);
      grant(auth, shared, prefix + "listeners/", true, Permission.Type.READWRITE);
      grant(auth, shared, prefix + "secret", false, Permission.Type.READ);
      for (String id : List.of("m1", "m2")) {
        String own = members.cluster() + "-" + id;
        auth.roleAdd(bytes(own)).get(10, TimeUnit.SECONDS);
        grant(auth, own, prefix + "members/" + id, false, Permission.Type.READWRITE);
        grant(auth, own, prefix + "left/" + id, false, Permission.Type.READWRITE);
        auth.userAdd(bytes(own), bytes(id + "-password")).get(10, TimeUnit.SECONDS);
        auth.userGrantRole(bytes(own), bytes(shared)).get(10, TimeUnit.SECONDS);
        auth.userGrantRole(bytes(own), bytes(own)).get(10, TimeUnit.SECONDS);
      }

      // Nobody above may write the secret: the operator writes it once, as the docs say.
      admin.getKVClient().put(bytes(prefix + "secret"), bytes(HexFormat.of().formatHex(new byte[32])))
          .get(10, TimeUnit.SECONDS);
      CacheManager m1 = members.open("m1", user(members.cluster() + "-m1", "m1-password"));
      CacheManager m2 = members.open("m2", user(members.cluster() + "-m2", "m2-password"));
      Members.awaitRingSize(List.of(m1, m2), 2);
      Members.assertShareACache(m1, m2, "least-privilege", 20);
      m2.getCache("least-privilege").registerCacheEntryListener(
          new MutableCacheEntryListenerConfiguration<>(
              FactoryBuilder.factoryOf(QuietListener.class), null, false, true));
      assertThat(admin.getKVClient().get(bytes(prefix + "listeners/least-privilege/m2")).get(10, TimeUnit.SECONDS)
          .getKvs()).as("m2 announced its listener").hasSize(1);

      assertThatThrownBy(() -> members.open("m3", Map.of(ClusterConfig.ETCD_USER, members.cluster() + "-m1",
          ClusterConfig.ETCD_PASSWORD, "m1-password", ClusterConfig.ETCD_ALLOW_PLAINTEXT_PASSWORD, PLAINTEXT_ALLOWED,
          ClusterConfig.TIMEOUT, "3000")))
          .isInstanceOf(CacheException.class).hasStackTraceContaining("permission denied");

      m1.destroyCache("least-privilege");
      assertThat(admin.getKVClient().get(bytes(prefix + "caches/least-privilege")).get(10, TimeUnit.SECONDS).getKvs())
          .isEmpty();
      long closed = System.nanoTime();
      m2.close(); // marks that it left, and revokes its lease
      Members.awaitRingSize(List.of(m1), 1);
      assertThat(System.nanoTime() - closed).as("out of the ring at once: the lease was revoked")
          .isLessThan(TimeUnit.SECONDS.toNanos(2));
      assertThat(admin.getKVClient().get(bytes(prefix + "left/m2")).get(10, TimeUnit.SECONDS).getKvs()).hasSize(1);
    }
  }

  private static Map<String, String> user(String user, String password) {
    return Map.of(ClusterConfig.ETCD_USER, user, ClusterConfig.ETCD_PASSWORD, password,
        ClusterConfig.ETCD_ALLOW_PLAINTEXT_PASSWORD, PLAINTEXT_ALLOWED);
  }

  /** Grants {@code type} on one key, or on every key under it when {@code prefix}. */
  private static void grant(io.etcd.jetcd.Auth auth, String role, String key, boolean prefix, Permission.Type type)
      throws Exception {
    byte[] end = key.getBytes(StandardCharsets.UTF_8);
    end[end.length - 1]++;
    auth.roleGrantPermission(bytes(role), bytes(key), prefix ? ByteSequence.from(end) : ByteSequence.EMPTY, type)
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void aPasswordForAnHttpEndpointIsRefusedAtStartUnlessPlaintextIsAllowed() {
    try (Members members = new Members(etcd.endpoint())) {
      assertThatThrownBy(() -> members.open("careful", Map.of(ClusterConfig.ETCD_USER, USER,
          ClusterConfig.ETCD_PASSWORD, PASSWORD)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(ClusterConfig.ETCD_PASSWORD)
          .hasMessageContaining(ClusterConfig.ETCD_ALLOW_PLAINTEXT_PASSWORD)
          .hasMessageContaining(etcd.endpoint())
          .hasMessageNotContaining(PASSWORD);
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
