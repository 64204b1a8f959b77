package io.kamacache.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamacache.codec.Copier;
import io.kamacache.event.EventDispatcher;
import io.kamacache.expiry.ExpiryRules;
import io.kamacache.integration.Integration;
import io.kamacache.replication.Copies;
import io.kamacache.replication.Replication;
import io.kamacache.store.Lru2Store;
import io.kamacache.store.ManualTicker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.Test;

/**
 * A value the cache loader returned is loaded once and kept: a caller that missed just before
 * another caller's load stored the key does not run the loader again, and a store refused only
 * until this member may change its keys again is made once it may.
 */
class LoadedValuesAreKeptTest {

  private final AtomicInteger loads = new AtomicInteger();

  private final CacheLoader<String, String> loader = new CacheLoader<>() {
    @Override public String load(String key) {
      return "loaded " + key + " #" + loads.incrementAndGet();
    }

    @Override public Map<String, String> loadAll(Iterable<? extends String> keys) {
      throw new UnsupportedOperationException();
    }
  };

  /** Refuses the first {@code refusals} changes; says the change may be made after a wait {@code mayAfterWait}. */
  private static final class RefusingReplication implements Replication<String> {
    final List<String> log = new ArrayList<>();
    int refusals;
    boolean mayAfterWait;

    @Override public long changing(String key, Object stored, long expiresAt, long now, long previous) {
      if (refusals > 0) {
        refusals--;
        log.add("refused " + key);
        throw new Replication.Refused("cannot prove its etcd lease is alive");
      }
      log.add("changed " + key + "=" + stored);
      return previous + 1;
    }

    @Override public boolean awaitChangeable() {
      log.add("waited: " + mayAfterWait);
      return mayAfterWait;
    }

    @Override public void copied(String key, Object stored, long expiresAt, long now, long version) {
    }

    @Override public void copiedAll(List<Taken<String>> taken) {
    }

    @Override public void accessed(String key) {
    }

    @Override public Batch<String> batch() {
      return null;
    }
  }

  @Test
  void aMissThatReachesTheLoadAfterAnotherLoadStoredTheKeyTakesTheStoredValue() {
    ExpiryRules expiry = new ExpiryRules(new EternalExpiryPolicy());
    ManualTicker ticker = new ManualTicker();
    Lru2Store<String, Object> store = new Lru2Store<>(100, ticker, (key, value, cause) -> { });
    Copies<String> copies = new Copies<>(store, () -> new Lru2Store<>(100, ticker, (key, value, cause) -> { }),
        Copier.BY_REFERENCE);
    EntrySteps<String, String> steps = new EntrySteps<>(expiry, copies,
        new EventDispatcher<>(Runnable::run, Copier.BY_REFERENCE), Copier.BY_REFERENCE);
    Loading<String, String> loading = new Loading<>(store, expiry.accessRule(),
        new Integration<>(loader, true, null, GroupEntry::new), steps, copies);

    assertThat(loading.loadThrough("k")).isEqualTo("loaded k #1");
    // A second caller missed before that load stored the key, and reaches the load only now that it has ended.
    assertThat(loading.loadThrough("k")).isEqualTo("loaded k #1");
    assertThat(loads).hasValue(1);
  }

  @Test
  void aStoreRefusedUntilTheMemberMayChangeAgainKeepsTheLoadedValue() {
    RefusingReplication replication = new RefusingReplication();
    replication.refusals = 1;
    replication.mayAfterWait = true;
    try (GroupFixture fixture = new GroupFixture(loader)) {
      fixture.group.replicateTo(replication);

      assertThat(fixture.group.get("k")).isEqualTo("loaded k #1");
      assertThat(fixture.group.get("k")).isEqualTo("loaded k #1");
      assertThat(loads).hasValue(1);
      assertThat(replication.log).containsExactly("refused k", "waited: true", "changed k=loaded k #1");
    }
  }

  @Test
  void aStoreRefusedForGoodReachesTheCallerAndStoresNothing() {
    RefusingReplication replication = new RefusingReplication();
    replication.refusals = 1;
    replication.mayAfterWait = false;
    try (GroupFixture fixture = new GroupFixture(loader)) {
      fixture.group.replicateTo(replication);

      assertThatThrownBy(() -> fixture.group.get("k")).isInstanceOf(Replication.Refused.class);
      assertThat(replication.log).containsExactly("refused k", "waited: false");
      assertThat(fixture.group.size()).isZero();
      assertThat(loads).hasValue(1);
    }
  }
}
