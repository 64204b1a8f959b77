package io.kamacache.configuration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.junit.jupiter.api.Test;

/** Every key of the configuration file, read into the model the rest of the provider acts on. */
class ConfigurationFileTest {

  private static final String F = "io.kamacache.configuration.Fixtures$";

  private static ConfigurationFile parse(String text) {
    return YamlFiles.parse(text, "test.yaml", ConfigurationFileTest.class.getClassLoader());
  }

  @Test
  void everyCacheKeyIsReadIntoItsSetting() {
    ConfigurationFile file = parse("""
        caches:
          customers:
            key-type: java.lang.String
            value-type: java.lang.Integer
            capacity: 100000
            expiry: { accessed: 30m }
            store-by-value: false
            statistics: true
            management: true
            backups: 2
            near-cache: 1000
            near-cache-max-age: 90s
            read-through: true
            loader-factory: %1$sLoaderFactory
            write-through: true
            writer-factory: %1$sWriterFactory
            listeners:
              - listener-factory: %1$sListener
                filter-factory: %1$sOnlyVip
                old-value-required: true
                synchronous: true
              - listener-factory: %1$sListener
        """.formatted(F));
    CacheSettings customers = file.caches().get("customers");
    assertThat(customers.keyType()).isEqualTo(String.class);
    assertThat(customers.valueType()).isEqualTo(Integer.class);
    assertThat(customers.capacity()).isEqualTo(100_000L);
    assertThat(customers.expiryPolicyFactory())
        .isEqualTo(AccessedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.MINUTES, 30)));
    assertThat(customers.storeByValue()).isFalse();
    assertThat(customers.statistics()).isTrue();
    assertThat(customers.management()).isTrue();
    assertThat(customers.backups()).isEqualTo(2);
    assertThat(customers.nearCache()).isEqualTo(1000L);
    assertThat(customers.nearCacheMaxAge()).isEqualTo(Duration.ofSeconds(90));
    assertThat(customers.readThrough()).isTrue();
    assertThat(customers.loaderFactory().create()).isInstanceOf(Fixtures.Loader.class);
    assertThat(customers.writeThrough()).isTrue();
    assertThat(customers.writerFactory().create()).isInstanceOf(Fixtures.Writer.class);
    assertThat(customers.listeners()).hasSize(2);
    CacheEntryListenerConfiguration<Object, Object> first = customers.listeners().get(0);
    assertThat(first.getCacheEntryListenerFactory().create()).isInstanceOf(Fixtures.Listener.class);
    assertThat(first.getCacheEntryEventFilterFactory().create()).isInstanceOf(Fixtures.OnlyVip.class);
    assertThat(first.isOldValueRequired()).isTrue();
    assertThat(first.isSynchronous()).isTrue();
    CacheEntryListenerConfiguration<Object, Object> second = customers.listeners().get(1);
    assertThat(second.getCacheEntryEventFilterFactory()).isNull();
    assertThat(second.isOldValueRequired()).isFalse();
    assertThat(second.isSynchronous()).isFalse();
  }

  @Test
  void aKeyTheFileLeavesOutIsNull() {
    CacheSettings bare = parse("caches:\n  bare:\n  small: { capacity: 5 }\n").caches().get("bare");
    assertThat(bare).isEqualTo(new CacheSettings(null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null));
  }

  @Test
  void cachesKeepTheirFileOrder() {
    assertThat(parse("caches:\n  zeta: {}\n  alpha: {}\n  mid: {}\n").caches().keySet())
        .containsExactly("zeta", "alpha", "mid");
  }

  @Test
  void eachExpiryKindAndEternalMakeTheirPolicy() {
    ConfigurationFile file = parse("""
        caches:
          c: { expiry: { created: 500ms } }
          a: { expiry: { accessed: 10s } }
          m: { expiry: { modified: 2h } }
          t: { expiry: { touched: 1d } }
          e: { expiry: eternal }
          f: { expiry-policy-factory: %1$sTenMinutesFactory }
          p: { expiry-policy-factory: %1$sTenMinutes }
        """.formatted(F));
    assertThat(file.caches().get("c").expiryPolicyFactory())
        .isEqualTo(CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, 500)));
    assertThat(file.caches().get("a").expiryPolicyFactory())
        .isEqualTo(AccessedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.SECONDS, 10)));
    assertThat(file.caches().get("m").expiryPolicyFactory())
        .isEqualTo(ModifiedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.HOURS, 2)));
    assertThat(file.caches().get("t").expiryPolicyFactory())
        .isEqualTo(TouchedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.DAYS, 1)));
    assertThat(file.caches().get("e").expiryPolicyFactory()).isEqualTo(EternalExpiryPolicy.factoryOf());
    assertThat(file.caches().get("f").expiryPolicyFactory().create()).isInstanceOf(Fixtures.TenMinutes.class);
    assertThat(file.caches().get("p").expiryPolicyFactory().create()).isInstanceOf(Fixtures.TenMinutes.class);
  }

  @Test
  void theClusterSectionFlattensToPropertyNames() {
    ConfigurationFile file = parse("""
        kamacache:
          etcd:
            endpoints: [http://127.0.0.1:2379, http://127.0.0.1:2380]
          cluster: orders
          lease.ttl-seconds: 5
          tls: { client-auth: false }
        """);
    assertThat(file.clusterSettings()).containsOnly(
        org.assertj.core.api.Assertions.entry("kamacache.etcd.endpoints", "http://127.0.0.1:2379,http://127.0.0.1:2380"),
        org.assertj.core.api.Assertions.entry("kamacache.cluster", "orders"),
        org.assertj.core.api.Assertions.entry("kamacache.lease.ttl-seconds", "5"),
        org.assertj.core.api.Assertions.entry("kamacache.tls.client-auth", "false"));
    assertThat(file.whereIs("kamacache.lease.ttl-seconds")).isEqualTo("test.yaml, line 5, column 3");
  }

  @Test
  void theMostSpecificMatchingTemplateWinsAndTheFirstAmongEquals() {
    ConfigurationFile file = parse("""
        templates:
          "*": { capacity: 1 }
          "com.acme.*": { capacity: 2 }
          "com.acme.domain.*": { capacity: 3 }
          "com.*.domain.Order": { capacity: 4 }
          "*.domain.Order": { capacity: 5 }
          "com.acme.d*": { capacity: 6 }
          "com.acme.*n": { capacity: 7 }
          default-update-timestamps-region: { capacity: 8 }
        """);
    assertThat(file.templateFor("com.acme.domain.Customer").orElseThrow().capacity()).isEqualTo(3L);
    assertThat(file.templateFor("com.acme.domain.Order").orElseThrow().capacity()).as("17 literals beat 16").isEqualTo(4L);
    assertThat(file.templateFor("com.acme.dx").orElseThrow().capacity()).isEqualTo(6L);
    assertThat(file.templateFor("com.acme.xn").orElseThrow().capacity()).isEqualTo(7L);
    assertThat(file.templateFor("com.acme.dn").orElseThrow().capacity()).as("a tie goes to the first").isEqualTo(6L);
    assertThat(file.templateFor("default-update-timestamps-region").orElseThrow().capacity()).isEqualTo(8L);
    assertThat(file.templateFor("orders").orElseThrow().capacity()).isEqualTo(1L);
    assertThat(parse("templates:\n  \"a.*\": {}\n").templateFor("b.c")).isEmpty();
  }

  @Test
  void anEmptyFileDeclaresNothing() {
    for (String empty : new String[] {"", "# only a comment\n", "---\n", "caches:\ntemplates:\nkamacache:\n"}) {
      ConfigurationFile file = parse(empty);
      assertThat(file.caches()).isEmpty();
      assertThat(file.templateFor("anything")).isEmpty();
      assertThat(file.clusterSettings()).isEmpty();
    }
  }
}
