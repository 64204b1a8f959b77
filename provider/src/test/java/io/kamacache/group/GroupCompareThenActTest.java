package io.kamacache.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.Test;

/**
 * The outcomes of putIfAbsent, replace(k, old, new) and remove(k, old) on a Group built directly:
 * what they return, what the writer hears, which events fire and what the statistics count.
 */
class GroupCompareThenActTest {

  private final List<String> written = new CopyOnWriteArrayList<>();

  private CacheWriter<String, String> loggingWriter() {
    return new CacheWriter<>() {
      @Override public void write(Cache.Entry<? extends String, ? extends String> entry) {
        written.add("write " + entry.getKey() + "=" + entry.getValue());
      }

      @Override public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
        entries.forEach(this::write);
        entries.clear();
      }

      @Override public void delete(Object key) {
        written.add("delete " + key);
      }

      @Override public void deleteAll(Collection<?> keys) {
        keys.forEach(this::delete);
        keys.clear();
      }
    };
  }

  @Test
  void putIfAbsentStoresOnlyWhenAbsentCountingAMissThenAHit() {
    try (GroupFixture fixture = new GroupFixture(new CreatedExpiryPolicy(Duration.ETERNAL), loggingWriter())) {
      assertThat(fixture.group.putIfAbsent("k", "a")).isTrue();
      assertThat(fixture.counts()).isEqualTo("hits=0 misses=1 puts=1 removals=0");

      assertThat(fixture.group.putIfAbsent("k", "b")).isFalse();
      assertThat(fixture.counts()).isEqualTo("hits=1 misses=1 puts=1 removals=0");
      assertThat(fixture.group.peek("k")).isEqualTo("a");
      assertThat(written).containsExactly("write k=a");
      assertThat(fixture.events).containsExactly("CREATED k a null");
    }
  }

  @Test
  void putIfAbsentOfAnEntryThatExpiresAtOnceWritesThroughButStoresAndCountsNoPut() {
    try (GroupFixture fixture = new GroupFixture(new CreatedExpiryPolicy(Duration.ZERO), loggingWriter())) {
      assertThat(fixture.group.putIfAbsent("k", "a")).isTrue();

      assertThat(written).containsExactly("write k=a");
      assertThat(fixture.group.store().size()).isZero();
      assertThat(fixture.counts()).isEqualTo("hits=0 misses=1 puts=0 removals=0");
      assertThat(fixture.events).isEmpty();
    }
  }

  @Test
  void replaceOfAnAbsentKeyIsAMissAndChangesNothing() {
    try (GroupFixture fixture = new GroupFixture(new CreatedExpiryPolicy(Duration.ETERNAL), loggingWriter())) {
      assertThat(fixture.group.replace("k", "a", "b")).isFalse();

      assertThat(fixture.group.store().size()).isZero();
      assertThat(fixture.counts()).isEqualTo("hits=0 misses=1 puts=0 removals=0");
      assertThat(written).isEmpty();
      assertThat(fixture.events).isEmpty();
    }
  }

  @Test
  void replaceWithTheWrongOldValueIsAHitThatKeepsTheEntry() {
    try (GroupFixture fixture = new GroupFixture(new CreatedExpiryPolicy(Duration.ETERNAL), loggingWriter())) {
      fixture.group.put("k", "a");
      fixture.statistics.clear();
      written.clear();
      fixture.events.clear();

      assertThat(fixture.group.replace("k", "other", "b")).isFalse();

      assertThat(fixture.group.peek("k")).isEqualTo("a");
      assertThat(fixture.counts()).isEqualTo("hits=2 misses=0 puts=0 removals=0"); // the replace and the peek
      assertThat(written).isEmpty();
      assertThat(fixture.events).isEmpty();
    }
  }

  @Test
  void replaceWithTheRightOldValueWritesUpdatesAndCountsAHitAndAPut() {
    try (GroupFixture fixture = new GroupFixture(new CreatedExpiryPolicy(Duration.ETERNAL), loggingWriter())) {
      fixture.group.put("k", "a");
      fixture.statistics.clear();

      assertThat(fixture.group.replace("k", "a", "b")).isTrue();

      assertThat(fixture.counts()).isEqualTo("hits=1 misses=0 puts=1 removals=0");
      assertThat(written).containsExactly("write k=a", "write k=b");
      assertThat(fixture.events).containsExactly("CREATED k a null", "UPDATED k b a");
      assertThat(fixture.group.peek("k")).isEqualTo("b");
    }
  }

  @Test
  void removeWithAnOldValueRemovesOnlyOnAMatch() {
    try (GroupFixture fixture = new GroupFixture(new CreatedExpiryPolicy(Duration.ETERNAL), loggingWriter())) {
      assertThat(fixture.group.remove("k", "a")).isFalse();
      assertThat(fixture.counts()).isEqualTo("hits=0 misses=1 puts=0 removals=0");

      fixture.group.put("k", "a");
      assertThat(fixture.group.remove("k", "other")).isFalse();
      assertThat(fixture.counts()).isEqualTo("hits=1 misses=1 puts=1 removals=0");
      assertThat(fixture.group.store().containsKey("k")).isTrue();

      assertThat(fixture.group.remove("k", "a")).isTrue();
      assertThat(fixture.counts()).isEqualTo("hits=2 misses=1 puts=1 removals=1");
      assertThat(fixture.group.store().containsKey("k")).isFalse();
      assertThat(written).containsExactly("write k=a", "delete k");
      assertThat(fixture.events).containsExactly("CREATED k a null", "REMOVED k a a");
    }
  }

  @Test
  void aFailedComparisonIsAnAccessThatMovesAnAccessBasedExpiry() {
    try (GroupFixture fixture = new GroupFixture(new AccessedExpiryPolicy(
        new Duration(TimeUnit.SECONDS, 10)), null)) {
      fixture.group.put("k", "a");
      fixture.ticker.advance(8, TimeUnit.SECONDS);
      assertThat(fixture.group.replace("k", "other", "b")).isFalse(); // an access: 10 s from now
      fixture.ticker.advance(8, TimeUnit.SECONDS);

      assertThat(fixture.group.store().containsKey("k")).isTrue();
      fixture.ticker.advance(3, TimeUnit.SECONDS);
      assertThat(fixture.group.store().containsKey("k")).isFalse();
    }
  }
}
