package io.kamacache.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.codec.Copier;
import io.kamacache.store.Expiry;
import io.kamacache.store.Lru2Store;
import io.kamacache.store.ManualTicker;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A handover walks the owned keys, then reads each under its lock ({@link Copies#ownedKeys},
 * {@link Copies#readOwned}). When the membership moves while a change is on its backups, the
 * change is acknowledged once they answer; the handover must carry its result, whether the change
 * creates, updates or removes the key. (A create was once missed: its key was in no list until
 * the backups answered, so the new owner served the key without an acknowledged write.)
 */
class HandoverDuringAChangeTest {

  private final ManualTicker ticker = new ManualTicker();
  private final Lru2Store<String, Object> owned = new Lru2Store<>(Lru2Store.UNBOUNDED, ticker, (k, v, c) -> { });
  private final Copies<String> copies = new Copies<>(owned,
      () -> new Lru2Store<>(Lru2Store.UNBOUNDED, ticker, (k, v, c) -> { }), Copier.BY_REFERENCE);
  private final CountDownLatch onBackups = new CountDownLatch(1);
  private final CountDownLatch answered = new CountDownLatch(1);

  /** Backups that answer the first change only once the test lets them; versions count up. */
  private final class SlowBackups implements Replication<String> {
    long version;

    @Override public long changing(String key, Object stored, long expiresAt, long now, long previous) {
      if (onBackups.getCount() > 0) {
        onBackups.countDown();
        try {
          answered.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return ++version;
    }

    @Override public void copied(String key, Object stored, long expiresAt, long now, long version) { }

    @Override public void copiedAll(List<Taken<String>> taken) { }

    @Override public void accessed(String key) { }

    @Override public boolean awaitChangeable() {
      return false;
    }

    @Override public Batch<String> batch() {
      return null;
    }
  }

  @AfterEach
  void answer() {
    answered.countDown();
  }

  private void set(String key, Object value) {
    owned.compute(key, (k, slot) -> {
      long version = copies.changing(k, slot, value, Expiry.NEVER);
      slot.set(value, Expiry.NEVER);
      slot.setVersion(version);
      return null;
    });
  }

  /** An entry already there before the test's change, put without going to any backup. */
  private void storedBefore(String key, Object value) {
    owned.compute(key, (k, slot) -> {
      slot.set(value, Expiry.NEVER);
      return null;
    });
  }

  private void remove(String key) {
    owned.compute(key, (k, slot) -> {
      copies.removing(k, slot);
      slot.remove();
      return null;
    });
  }

  /**
   * Runs {@code change} until it is on its backups, then a handover's walk, lets the backups
   * answer, and returns what the handover read of {@code key} (null if absent), and whether the
   * walk listed it.
   */
  private Object[] handoverDuring(String key, Runnable change) throws Exception {
    copies.replicateTo(new SlowBackups());
    CompletableFuture<Void> changing = CompletableFuture.runAsync(change);
    assertThat(onBackups.await(10, TimeUnit.SECONDS)).as("the change reached its backups").isTrue();
    // The walk lists the keys without waiting for any change; the read of each waits for its change.
    boolean listed = copies.ownedKeys().contains(key);
    CompletableFuture<Copies.Copy<String>> read = CompletableFuture.supplyAsync(
        () -> listed ? copies.readOwned(key) : null);
    answered.countDown();
    changing.get(10, TimeUnit.SECONDS);
    Copies.Copy<String> copy = read.get(10, TimeUnit.SECONDS);
    return new Object[] {listed, copy == null ? null : copy.value};
  }

  @Test
  void aKeyCreatedWhileItsCopyIsOnTheBackupsIsListedAndHandedOverWithItsValue() throws Exception {
    Object[] handed = handoverDuring("k", () -> set("k", "created"));
    assertThat(handed[0]).as("listed").isEqualTo(true);
    assertThat(handed[1]).isEqualTo("created");
  }

  @Test
  void aKeyUpdatedWhileItsCopyIsOnTheBackupsIsHandedOverWithTheNewValue() throws Exception {
    storedBefore("k", "old");
    Object[] handed = handoverDuring("k", () -> set("k", "new"));
    assertThat(handed[0]).as("listed").isEqualTo(true);
    assertThat(handed[1]).isEqualTo("new");
  }

  @Test
  void aKeyRemovedWhileTheRemovalIsOnTheBackupsIsHandedOverAsARemoval() throws Exception {
    storedBefore("k", "old");
    Object[] handed = handoverDuring("k", () -> remove("k"));
    assertThat(handed[1]).as("the handover read no value").isNull();
    assertThat(copies.removalsOf(key -> true)).extracting(copy -> copy.key).containsExactly("k");
  }
}
