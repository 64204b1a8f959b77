package io.kamacache.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.spi.CachingProvider;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Caches the file declares exist at open; templates fill in what createCache's configuration leaves at its defaults. */
class ConfigurationFileCachesTest {

  private static final String FILE = """
      caches:
        customers:
          key-type: java.lang.String
          value-type: java.lang.String
          capacity: 100
          expiry: { accessed: 30m }
          statistics: true
        eternal: {}
      templates:
        "com.acme.domain.*":
          capacity: 10
          expiry: { created: 10m }
          statistics: true
          store-by-value: false
          backups: 2
          near-cache: 50
        "com.acme.*":
          capacity: 20
        default-update-timestamps-region: { capacity: 1000 }
      """;

  private final CachingProvider provider = Caching.getCachingProvider(KamaCachingProvider.class.getName());
  private CacheManager manager;

  @TempDir
  Path dir;

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close();
    }
  }

  private CacheManager open(String text) throws IOException {
    Path file = Files.writeString(dir.resolve("kamacache.yaml"), text);
    manager = provider.getCacheManager(file.toUri(), getClass().getClassLoader());
    return manager;
  }

  private static KamaConfiguration<?, ?> configurationOf(Cache<?, ?> cache) {
    return cache.getConfiguration(KamaConfiguration.class);
  }

  @Test
  void declaredCachesExistWhenTheManagerOpens() throws IOException {
    open(FILE);
    assertThat(manager.getCacheNames()).containsExactlyInAnyOrder("customers", "eternal");
    Cache<String, String> customers = manager.getCache("customers", String.class, String.class);
    KamaConfiguration<?, ?> configuration = configurationOf(customers);
    assertThat(configuration.getCapacity()).isEqualTo(100);
    assertThat(configuration.getExpiryPolicyFactory())
        .isEqualTo(AccessedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 30)));
    assertThat(configuration.isStatisticsEnabled()).isTrue();
    assertThat(configurationOf(manager.getCache("eternal"))).isEqualTo(new KamaConfiguration<>());
  }

  @Test
  void aDeclaredCapacityBoundsTheCache() throws IOException {
    open(FILE);
    Cache<String, String> customers = manager.getCache("customers", String.class, String.class);
    for (int i = 0; i < 1_000; i++) {
      customers.put("k" + i, "v");
    }
    assertThat(customers.unwrap(KamaCache.class).localSize()).isEqualTo(100);
    assertThat(customers.unwrap(KamaCache.class).statistics().getCacheEvictions()).isEqualTo(900);
  }

  @Test
  void aPlainConfigurationUnderATemplateTakesTheTemplatesSettings() throws IOException {
    open(FILE);
    Cache<Object, Object> orders = manager.createCache("com.acme.domain.Order", new MutableConfiguration<>());
    KamaConfiguration<?, ?> configuration = configurationOf(orders);
    assertThat(configuration.getCapacity()).isEqualTo(10);
    assertThat(configuration.getExpiryPolicyFactory())
        .isEqualTo(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10)));
    assertThat(configuration.isStatisticsEnabled()).isTrue();
    assertThat(configuration.isStoreByValue()).isFalse();
    assertThat(configuration.getBackups()).isEqualTo(2);
    assertThat(configuration.getNearCacheCapacity()).isEqualTo(50);
    assertThat(configurationOf(manager.createCache("com.acme.Other", new MutableConfiguration<>())).getCapacity())
        .isEqualTo(20);
    assertThat(configurationOf(manager.createCache("default-update-timestamps-region", new MutableConfiguration<>()))
        .getCapacity()).isEqualTo(1000);
  }

  @Test
  void anExplicitNonDefaultSettingWinsOverTheTemplate() throws IOException {
    open(FILE);
    KamaConfiguration<Object, Object> mine = new KamaConfiguration<>().setCapacity(5).setBackups(0);
    mine.setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(Duration.ONE_MINUTE));
    KamaConfiguration<?, ?> configuration = configurationOf(manager.createCache("com.acme.domain.Line", mine));
    assertThat(configuration.getCapacity()).isEqualTo(5);
    assertThat(configuration.getBackups()).isZero();
    assertThat(configuration.getExpiryPolicyFactory()).isEqualTo(ModifiedExpiryPolicy.factoryOf(Duration.ONE_MINUTE));
    assertThat(configuration.isStatisticsEnabled()).as("left at its default, so the template's").isTrue();
  }

  @Test
  void anExplicitValueEqualToTheDefaultCannotBeToldFromTheDefault() throws IOException {
    open(FILE);
    MutableConfiguration<Object, Object> mine = new MutableConfiguration<>()
        .setStatisticsEnabled(false).setStoreByValue(true).setExpiryPolicyFactory(EternalExpiryPolicy.factoryOf());
    KamaConfiguration<?, ?> configuration = configurationOf(manager.createCache("com.acme.domain.Tax", mine));
    assertThat(configuration.isStatisticsEnabled()).isTrue();
    assertThat(configuration.isStoreByValue()).isFalse();
    assertThat(configuration.getExpiryPolicyFactory())
        .isEqualTo(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10)));
  }

  @Test
  void aNameNoTemplateMatchesKeepsItsConfigurationAndGetCacheStaysNull() throws IOException {
    open(FILE);
    assertThat(manager.getCache("com.acme.domain.Order")).as("JSR-107: no cache until created").isNull();
    KamaConfiguration<?, ?> configuration =
        configurationOf(manager.createCache("orders", new MutableConfiguration<>()));
    assertThat(configuration).isEqualTo(new KamaConfiguration<>());
  }

  @Test
  void aDeclaredNameCannotBeCreatedAgain() throws IOException {
    open(FILE);
    assertThatThrownBy(() -> manager.createCache("customers", new MutableConfiguration<>()))
        .isInstanceOf(CacheException.class).hasMessageContaining("already exists");
  }

  @Test
  void aBadFileOpensNoManagerAndCreatesNothing() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.yaml"), """
        caches:
          first: { statistics: true }
          second: { capacity: lots }
        """);
    assertThatThrownBy(() -> provider.getCacheManager(file.toUri(), getClass().getClassLoader()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toUri() + ", line 3, column 23: caches.second.capacity");
    ObjectName statistics = new ObjectName("javax.cache:type=CacheStatistics,CacheManager=*,Cache=first");
    assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(statistics, null)).isEmpty();
    // Fixed, the same URI opens a manager with the file's caches.
    Files.writeString(file, "caches:\n  first: { statistics: true }\n  second: { capacity: 3 }\n");
    manager = provider.getCacheManager(file.toUri(), getClass().getClassLoader());
    assertThat(manager.getCacheNames()).containsExactlyInAnyOrder("first", "second");
  }

  @Test
  void theDefaultManagerReadsKamacacheYamlOnItsClassLoader() throws IOException {
    Files.writeString(dir.resolve("kamacache.yaml"), "caches:\n  found: { capacity: 4 }\n");
    ClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    manager = provider.getCacheManager(provider.getDefaultURI(), loader);
    assertThat(configurationOf(manager.getCache("found")).getCapacity()).isEqualTo(4);
  }

  @Test
  void anotherUriDoesNotReadTheClassPathFile() throws IOException {
    Files.writeString(dir.resolve("kamacache.yaml"), "caches:\n  found: {}\n");
    ClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    manager = provider.getCacheManager(URI.create("tenant-a"), loader);
    assertThat(manager.getCacheNames()).isEmpty();
  }
}
