package io.kamacache.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.codec.Copier;
import io.kamacache.store.Expiry;
import io.kamacache.store.Lru2Store;
import io.kamacache.store.ManualTicker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Copies keeps the newer of two states of a key, by version: late backups and handoffs never
 * replace newer ones, and a removal is remembered so a late copy cannot bring the key back.
 */
class NewerCopyWinsTest {

  private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);

  private final ManualTicker ticker = new ManualTicker();
  private final Lru2Store<String, Object> owned = new Lru2Store<>(Lru2Store.UNBOUNDED, ticker, (k, v, c) -> { });
  private final Copies<String> copies = new Copies<>(owned,
      () -> new Lru2Store<>(Lru2Store.UNBOUNDED, ticker, (k, v, c) -> { }), Copier.BY_REFERENCE);

  /** Gives versions 1, 2, 3, ... and logs what it was told as "key value previous". */
  private static final class CountingReplication implements Replication<String> {
    final List<String> changes = new ArrayList<>();
    final List<String> accessed = new ArrayList<>();
    long version;

    @Override public long changing(String key, Object stored, long expiresAt, long now, long previous) {
      changes.add(key + " " + stored + " " + previous);
      return ++version;
    }

    @Override public void copied(String key, Object stored, long expiresAt, long now, long version) {
      changes.add("copied " + key + " " + stored + " " + version);
    }

    @Override public void accessed(String key) {
      accessed.add(key);
    }

    @Override public boolean awaitChangeable() {
      return false;
    }

    @Override public Batch<String> batch() {
      return null;
    }

    @Override public void copiedAll(List<Taken<String>> taken) {
      for (Taken<String> copy : taken) {
        changes.add("copied " + copy.key() + " " + copy.stored() + " " + copy.version());
      }
    }
  }

  private Object ownedValue(String key) {
    Copies.Copy<String> copy = copies.readOwned(key);
    return copy == null ? null : copy.value;
  }

  @Test
  void aLateBackupOfAnOlderVersionIsIgnored() {
    copies.applyBackup("k", "v2", Copies.NEVER, 2);
    copies.applyBackup("k", "v1", Copies.NEVER, 1);
    assertThat(copies.readBackup("k").value).isEqualTo("v2");

    copies.applyBackup("k", "v2 again", Copies.NEVER, 2); // the same owner's latest: taken
    assertThat(copies.readBackup("k").value).isEqualTo("v2 again");
    copies.applyBackup("k", null, Copies.NEVER, 3);
    assertThat(copies.readBackup("k")).isNull();
  }

  @Test
  void aHandoffIsTakenOnlyIfNewer() {
    assertThat(copies.applyHandoff("k", "v2", Copies.NEVER, 2)).isTrue();
    assertThat(copies.applyHandoff("k", "v1", Copies.NEVER, 1)).isFalse();
    assertThat(copies.applyHandoff("k", "v2'", Copies.NEVER, 2)).isFalse();
    assertThat(ownedValue("k")).isEqualTo("v2");
  }

  @Test
  void aHandedOverRemovalIsRememberedAgainstLateCopies() {
    copies.applyHandoff("k", "v5", Copies.NEVER, 5);
    assertThat(copies.applyHandoff("k", null, Copies.NEVER, 6)).isTrue();
    assertThat(ownedValue("k")).isNull();

    assertThat(copies.applyHandoff("k", "v5", Copies.NEVER, 5)).isFalse();
    assertThat(ownedValue("k")).isNull();
    assertThat(copies.removalsOf(key -> true)).extracting(copy -> copy.key + "@" + copy.version)
        .containsExactly("k@6");
    assertThat(copies.removalsOf(key -> false)).isEmpty();
  }

  @Test
  void anOwnersRemovalIsReplicatedAndRemembered() {
    CountingReplication replication = new CountingReplication();
    copies.replicateTo(replication);
    owned.compute("k", (k, slot) -> {
      long version = copies.changing(k, slot, "a", Expiry.NEVER);
      slot.set("a", Expiry.NEVER);
      slot.setVersion(version);
      return null;
    });
    owned.compute("k", (k, slot) -> {
      copies.removing(k, slot);
      slot.remove();
      return null;
    });

    assertThat(replication.changes).containsExactly("k a 0", "k null 1");
    assertThat(copies.applyHandoff("k", "a", Copies.NEVER, 1)).isFalse(); // older than the removal (2)
    owned.compute("k", (k, slot) -> copies.changing(k, slot, "b", Expiry.NEVER));
    assertThat(replication.changes).last().isEqualTo("k b 2"); // a re-create follows the removal's version
  }

  @Test
  void withoutReplicationChangesHaveVersionZero() {
    long version = owned.compute("k", (k, slot) -> copies.changing(k, slot, "a", Expiry.NEVER));
    assertThat(version).isZero();
  }

  @Test
  void copiesTravelWithTheirRemainingTimeToLive() {
    copies.applyBackup("k", "v", TEN_SECONDS, 1);
    ticker.advance(4, TimeUnit.SECONDS);
    assertThat(copies.readBackup("k").ttlNanos).isEqualTo(TimeUnit.SECONDS.toNanos(6));
    ticker.advance(6, TimeUnit.SECONDS);
    assertThat(copies.readBackup("k")).isNull();
  }

  @Test
  void anAdoptedBackupBecomesOwnedAndIsCopiedOn() {
    CountingReplication replication = new CountingReplication();
    copies.replicateTo(replication);
    copies.applyBackup("k", "v", Copies.NEVER, 7);
    assertThat(copies.mayHoldBackup("k")).isTrue();

    assertThat(copies.adopt("k")).isTrue();

    assertThat(ownedValue("k")).isEqualTo("v");
    assertThat(copies.readBackup("k")).isNull();
    assertThat(copies.mayHoldBackup("k")).isFalse();
    assertThat(replication.changes).containsExactly("copied k v 7");
  }

  @Test
  void releasingKeepsABackupOnlyWhenAsked() {
    copies.applyHandoff("a", "1", Copies.NEVER, 1);
    copies.applyHandoff("b", "2", Copies.NEVER, 1);
    copies.release("a", true);
    copies.release("b", false);

    assertThat(copies.ownedKeys()).isEmpty();
    assertThat(copies.backupKeys()).containsExactly("a");
    copies.clearBackups();
    assertThat(copies.backupKeys()).isEmpty();
  }

  @Test
  void accessesReachTheBackupsOnlyWithReplication() {
    copies.accessed("k");
    CountingReplication replication = new CountingReplication();
    copies.replicateTo(replication);
    copies.accessed("k");
    assertThat(replication.accessed).containsExactly("k");
  }
}
