package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.testsupport.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A member's writes to another owner, and that owner's backups of them, travel as requests on one
 * long-lived stream each way rather than as calls of their own: each request still counts as the
 * call it stands for, on both sides, and does what that call did.
 */
class WriteStreamsTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private static final int KEYS = 200;

  private Members members;
  private List<CacheManager> managers;
  private Cache<String, String> cache;

  @BeforeEach
  void twoMembers() {
    members = new Members(etcd.endpoint());
    managers = members.openAll("a", "b");
    cache = managers.get(0).createCache("streamed", new MutableConfiguration<String, String>());
    Members.awaitCache(managers.get(1), "streamed");
  }

  @AfterEach
  void close() {
    members.close();
  }

  private static long served(CacheManager manager, String method) {
    return Members.node(manager).mxbean().getCallsServedByMethod().getOrDefault(method, 0L);
  }

  private static long made(CacheManager manager, String method) {
    return Members.node(manager).mxbean().getCallsMadeByMethod().getOrDefault(method, 0L);
  }

  @Test
  void writesAndTheirBackupsTravelOnStreamsAndCountAsTheCallsTheyStandFor() {
    ClusterNode a = Members.node(managers.get(0));
    ClusterNode b = Members.node(managers.get(1));
    List<String> ofB = new ArrayList<>();
    for (int i = 0; ofB.size() < KEYS; i++) {
      String key = "k" + i;
      if (a.ring().owner(a.codec().encode(key)).id().equals(b.memberId())) {
        ofB.add(key);
      }
    }
    for (String key : ofB) {
      cache.put(key, "v-" + key);
    }
    for (String key : ofB) {
      assertThat(cache.replace(key, "v-" + key, "w-" + key)).isTrue();
    }
    assertThat(cache.remove(ofB.get(0))).isTrue();

    // Every write ran on b, counted there and here as its call...
    assertThat(served(managers.get(1), "Put")).isEqualTo(KEYS);
    assertThat(served(managers.get(1), "Replace")).isEqualTo(KEYS);
    assertThat(served(managers.get(1), "Remove")).isEqualTo(1);
    assertThat(made(managers.get(0), "Put")).isEqualTo(KEYS);
    // ...on one or two streams (one more if the first sat idle long enough to close), not a call each.
    assertThat(served(managers.get(1), "Writes")).isBetween(1L, 3L);
    // b put each change on its backup, a, the same way; a sweep may add a batch call or two.
    assertThat(served(managers.get(0), "Backup")).isBetween(2L * KEYS + 1, 2L * KEYS + 5);
    assertThat(served(managers.get(0), "Backups")).isBetween(1L, 3L);
    for (String key : ofB.subList(1, ofB.size())) {
      assertThat(cache.get(key)).isEqualTo("w-" + key);
    }
    assertThat(cache.containsKey(ofB.get(0))).isFalse();
  }
}
