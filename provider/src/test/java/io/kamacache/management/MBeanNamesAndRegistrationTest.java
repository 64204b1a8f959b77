package io.kamacache.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** MBeans names a cache's beans as JSR-107 prescribes and registers them on the platform server. */
class MBeanNamesAndRegistrationTest {

  private static final URI MANAGER = URI.create("kamacache://test");
  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

  @Test
  void namesFollowJsr107() throws Exception {
    assertThat(MBeans.name(MBeans.Kind.STATISTICS, MANAGER, "orders"))
        .isEqualTo(new ObjectName("javax.cache:type=CacheStatistics,CacheManager=kamacache.//test,Cache=orders"));
    assertThat(MBeans.name(MBeans.Kind.CONFIGURATION, MANAGER, "orders").getKeyProperty("type"))
        .isEqualTo("CacheConfiguration");
  }

  @Test
  void charactersWithAMeaningInJmxBecomeDotsOrGetQuoted() {
    assertThat(MBeans.sanitize("a,b:c=d\ne")).isEqualTo("a.b.c.d.e");
    assertThat(MBeans.sanitize(null)).isEmpty();
    assertThat(MBeans.value("plain")).isEqualTo("plain");
    assertThat(MBeans.value("what?*")).isEqualTo(ObjectName.quote("what?*"));
    assertThat(MBeans.name(MBeans.Kind.STATISTICS, MANAGER, "odd \"name\"*").getKeyProperty("Cache"))
        .isEqualTo(ObjectName.quote("odd \"name\"*"));
  }

  @Test
  void registerReplacesAndUnregisterRemoves() throws Exception {
    ObjectName name = MBeans.name(MBeans.Kind.STATISTICS, MANAGER, "registration-test");
    CacheStatistics first = new CacheStatistics();
    first.setEnabled(true);
    first.recordHits(1);

    MBeans.register(first, name);
    assertThat(server.isRegistered(name)).isTrue();
    assertThat(server.getAttribute(name, "CacheHits")).isEqualTo(1L);

    MBeans.register(new CacheStatistics(), name);
    assertThat(server.getAttribute(name, "CacheHits")).isEqualTo(0L);

    MBeans.unregister(name);
    assertThat(server.isRegistered(name)).isFalse();
    MBeans.unregister(name); // already gone: no error
  }
}
