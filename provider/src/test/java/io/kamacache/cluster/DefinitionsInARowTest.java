package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.testsupport.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Caches created one right after another, as Hibernate creates its regions at start-up, all stay:
 * the definitions watch reports views older than the latest definition this member stored, and
 * one of those must not read as that definition's deletion.
 */
class DefinitionsInARowTest {

  /** Enough creates in a row that the watch's news of earlier ones arrives between later ones. */
  private static final int CACHES = 40;

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  @Test
  void cachesCreatedInARowAllStayOpenOnTheMemberThatCreatedThem() {
    try (Members members = new Members(etcd.endpoint())) {
      CacheManager manager = members.open("m1");
      List<Cache<String, String>> caches = new ArrayList<>();
      for (int i = 0; i < CACHES; i++) {
        caches.add(manager.createCache("region-" + i, new MutableConfiguration<String, String>()));
      }
      // A cache defined afterwards by another member reaches m1 only through its watch, which
      // reports in revision order: once m1 has it, m1 has acted on every view of the creates.
      CacheManager other = members.open("m2");
      other.createCache("marker", new MutableConfiguration<String, String>());
      Members.awaitCache(manager, "marker");
      for (Cache<String, String> cache : caches) {
        assertThat(cache.isClosed()).as(cache.getName()).isFalse();
        assertThat(manager.getCache(cache.getName())).as(cache.getName()).isSameAs(cache);
      }
    }
  }
}
