package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.testsupport.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A read that moves an entry's expiry time (an AccessedExpiryPolicy) moves it on the entry's
 * backup too, shortly after, so the backup that takes over after a crash does not let a
 * much-read entry expire early; the owner sends what a period of reads moved in one request per
 * backup member, not one per key.
 */
class MovedExpiryTimesTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private static final int KEYS = 300;

  private Members members;
  private List<CacheManager> managers;
  private Cache<String, String> cache;
  private final List<String> keys = new ArrayList<>();

  @BeforeEach
  void twoMembers() {
    members = new Members(etcd.endpoint());
    managers = members.openAll("a", "b");
    cache = managers.get(0).createCache("touched", new MutableConfiguration<String, String>()
        .setExpiryPolicyFactory(FactoryBuilder.factoryOf(new AccessedExpiryPolicy(Duration.ONE_MINUTE))));
    Members.awaitCache(managers.get(1), "touched");
    for (int i = 0; i < KEYS; i++) {
      keys.add("k" + i);
      cache.put("k" + i, "v" + i);
    }
  }

  @AfterEach
  void close() {
    members.close();
  }

  private long backupCallsServed() {
    long served = 0;
    for (CacheManager manager : managers) {
      served += Members.node(manager).mxbean().getCallsServedByMethod().getOrDefault("Backup", 0L);
    }
    return served;
  }

  /** Copies the owners have put on backups that took them. */
  private long backupsWritten() {
    long written = 0;
    for (CacheManager manager : managers) {
      written += Members.node(manager).mxbean().getBackupsWritten();
    }
    return written;
  }

  @Test
  void readsMoveTheBackupsExpiryTimesInOneRequestPerBackupMember() {
    long calls = backupCallsServed();
    long written = backupsWritten();
    for (String key : keys) {
      assertThat(cache.get(key)).isEqualTo("v" + key.substring(1));
    }
    Members.await("every read's moved expiry time is on the key's backup", () -> backupsWritten() - written == KEYS);
    // Reads that straddle a flush period send twice; a request per key would be 300.
    assertThat(backupCallsServed() - calls).as("backup calls for %s moved expiry times", KEYS).isBetween(1L, 8L);
  }
}
