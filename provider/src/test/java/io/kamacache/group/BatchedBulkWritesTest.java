package io.kamacache.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kamacache.replication.Replication;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A putAll or removeAll on a member with backups prepares every key, sends the batch once, and only
 * then makes each change visible; a key that another write changed in between is changed again the
 * usual way, so the backups end with what the owner shows.
 */
class BatchedBulkWritesTest {

  private final GroupFixture fixture = new GroupFixture();
  private final Group<String, String> group = fixture.group;
  private final LoggingReplication replication = new LoggingReplication();

  /** Versions 1, 2, 3, ... for single changes and prepared ones alike; logs what it was told. */
  private static final class LoggingReplication implements Replication<String> {
    final List<String> log = new ArrayList<>();
    long version;
    /** Runs inside send(), while no key is locked and no prepared put is visible yet. */
    Consumer<LoggingReplication> duringSend = r -> { };
    RuntimeException sendFails;
    /** Commits allowed before the permission lapses; then every commit and change is refused. */
    int commitsBeforeRefusal = Integer.MAX_VALUE;
    int commits;

    @Override public synchronized long changing(String key, Object stored, long expiresAt, long now, long previous) {
      if (commits >= commitsBeforeRefusal) {
        throw new Replication.Refused("lapsed");
      }
      log.add("change " + key + "=" + stored + " after v" + previous);
      return ++version;
    }

    @Override public void copied(String key, Object stored, long expiresAt, long now, long version) {
    }

    @Override public void accessed(String key) {
    }

    @Override public void copiedAll(List<Taken<String>> taken) {
    }

    @Override public boolean awaitChangeable() {
      return false;
    }

    @Override public Batch<String> batch() {
      return new Batch<>() {
        @Override public long prepare(String key, Object stored, long expiresAt, long now, long previous) {
          synchronized (LoggingReplication.this) {
            log.add("prepare " + key + "=" + stored + " after v" + previous);
            return ++version;
          }
        }

        @Override public void send() {
          log.add("send");
          duringSend.accept(LoggingReplication.this);
          if (sendFails != null) {
            throw sendFails;
          }
        }

        @Override public void committing() {
          synchronized (LoggingReplication.this) {
            if (commits >= commitsBeforeRefusal) {
              log.add("refused");
              throw new Replication.Refused("lapsed");
            }
            commits++;
            log.add("commit");
          }
        }
      };
    }
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  private static Map<String, String> entries(String... keysAndValues) {
    Map<String, String> entries = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      entries.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return entries;
  }

  @Test
  void everyKeyIsPreparedThenTheBatchIsSentOnceThenEachPutBecomesVisible() {
    group.replicateTo(replication);
    group.put("a", "old");
    replication.log.clear();
    List<String> seenDuringSend = new ArrayList<>();
    replication.duringSend = r -> {
      seenDuringSend.add(group.get("a"));
      seenDuringSend.add(group.get("b"));
    };

    group.putAll(entries("a", "A", "b", "B"));

    assertThat(seenDuringSend).as("nothing visible before the backups have it").containsExactly("old", null);
    assertThat(replication.log).containsExactlyInAnyOrder(
        "prepare a=A after v1", "prepare b=B after v0", "send", "commit", "commit");
    assertThat(replication.log.indexOf("send")).isEqualTo(2);
    assertThat(group.get("a")).isEqualTo("A");
    assertThat(group.get("b")).isEqualTo("B");
    assertThat(group.copies().readOwned("a").version).isEqualTo(2);
    assertThat(fixture.statistics.getCachePuts()).isEqualTo(3);
    assertThat(fixture.events).contains("UPDATED a A old", "CREATED b B null");
  }

  @Test
  void aKeyWrittenWhileTheBatchWasSentIsPutAgainWithANewerVersion() throws Exception {
    group.replicateTo(replication);
    replication.duringSend = r -> CompletableFuture.runAsync(() -> group.put("a", "other")).join();

    group.putAll(entries("a", "A", "b", "B"));

    assertThat(group.get("a")).as("the batch's put comes after the other write").isEqualTo("A");
    assertThat(replication.log).containsSubsequence("prepare a=A after v0", "send", "change a=other after v0",
        "change a=A after v3");
    assertThat(replication.log.stream().filter("commit"::equals)).as("only b commits as prepared").hasSize(1);
    assertThat(group.copies().readOwned("a").version).isEqualTo(4);
    assertThat(fixture.events).containsSubsequence("CREATED a other null", "UPDATED a A other");
  }

  @Test
  void aBatchTheBackupsDidNotTakeLeavesEveryKeyAsItWas() {
    group.replicateTo(replication);
    group.put("a", "old");
    replication.sendFails = new Replication.Failed("no backup answered", null);

    assertThatThrownBy(() -> group.putAll(entries("a", "A", "b", "B"))).hasMessageContaining("no backup answered");

    assertThat(group.get("a")).isEqualTo("old");
    assertThat(group.get("b")).isNull();
    assertThat(replication.log).doesNotContain("commit");
  }

  @Test
  void removeAllPreparesOnlyPresentKeysAndRemovesThemOnceTheBatchIsSent() {
    group.replicateTo(replication);
    group.putAll(entries("a", "A", "b", "B"));
    replication.log.clear();
    List<String> seenDuringSend = new ArrayList<>();
    replication.duringSend = r -> seenDuringSend.add(group.get("a"));

    group.removeAll(Set.of("a", "b", "absent"));

    assertThat(seenDuringSend).containsExactly("A");
    assertThat(replication.log).containsExactlyInAnyOrder(
        "prepare a=null after v1", "prepare b=null after v2", "send", "commit", "commit");
    assertThat(group.get("a")).isNull();
    assertThat(group.get("b")).isNull();
    assertThat(fixture.statistics.getCacheRemovals()).isEqualTo(2);
    assertThat(fixture.events).contains("REMOVED a A A", "REMOVED b B B");
    // The removal's version is remembered, so a late copy of an older state cannot bring it back.
    assertThat(group.copies().applyHandoff("a", "stale", -1, 2)).isFalse();
  }

  @Test
  void aKeyWrittenWhileARemovalBatchWasSentIsRemovedAgain() {
    group.replicateTo(replication);
    group.put("a", "A");
    replication.duringSend = r -> CompletableFuture.runAsync(() -> group.put("a", "other")).join();

    group.removeAll(Set.of("a"));

    assertThat(group.get("a")).isNull();
    assertThat(replication.log).containsSubsequence("prepare a=null after v1", "send", "change a=other after v1",
        "change a=null after v3");
  }

  @Test
  void aBatchWhosePermissionLapsesBetweenCommitsKeepsTheCommittedKeysAndNamesTheOthers() {
    group.replicateTo(replication);
    group.putAll(entries("a", "old", "b", "old", "c", "old"));
    fixture.events.clear();
    replication.commits = 0;
    replication.commitsBeforeRefusal = 1;

    Replication.KeysRefused refused = catchThrowableOfType(
        () -> group.putAll(entries("a", "A", "b", "B", "c", "C")), Replication.KeysRefused.class);

    assertThat(refused).as("the keys not committed are named, not the call failed").isNotNull();
    assertThat(refused.keys()).hasSize(2);
    List<String> committed = new ArrayList<>(List.of("a", "b", "c"));
    committed.removeAll(refused.keys());
    assertThat(committed).hasSize(1);
    String done = committed.get(0);
    assertThat(group.get(done)).isEqualTo(done.toUpperCase());
    for (Object key : refused.keys()) {
      assertThat(group.get((String) key)).as("refused %s stays as it was", key).isEqualTo("old");
    }
    assertThat(replication.log).containsSubsequence("send", "commit", "refused");
    assertThat(replication.log.stream().filter("refused"::equals)).as("no commit is tried after a refusal").hasSize(1);
    assertThat(fixture.statistics.getCachePuts()).isEqualTo(4);
    assertThat(fixture.events).containsExactly("UPDATED " + done + " " + done.toUpperCase() + " old");
  }

  @Test
  void aKeyChangedTheUsualWayAfterThePermissionLapsedIsRefusedToo() {
    group.replicateTo(replication);
    // a changes while the batch is sent, so its commit goes the usual way, which is refused as well.
    replication.duringSend = r -> {
      CompletableFuture.runAsync(() -> group.put("a", "other")).join();
      r.commitsBeforeRefusal = 0;
    };

    Replication.KeysRefused refused = catchThrowableOfType(
        () -> group.putAll(entries("a", "A", "b", "B")), Replication.KeysRefused.class);

    assertThat(List.<Object>copyOf(refused.keys())).containsExactlyInAnyOrder("a", "b");
    assertThat(group.get("a")).isEqualTo("other");
    assertThat(group.get("b")).isNull();
  }

  @Test
  void aRemovalBatchWhosePermissionLapsesNamesTheKeysItDidNotRemove() {
    group.replicateTo(replication);
    group.putAll(entries("a", "A", "b", "B"));
    replication.commits = 0;
    replication.commitsBeforeRefusal = 1;

    Replication.KeysRefused refused = catchThrowableOfType(
        () -> group.removeAll(Set.of("a", "b")), Replication.KeysRefused.class);

    assertThat(refused.keys()).hasSize(1);
    String kept = (String) refused.keys().get(0);
    assertThat(group.get(kept)).isEqualTo(kept.toUpperCase());
    assertThat(group.get(kept.equals("a") ? "b" : "a")).isNull();
    assertThat(fixture.statistics.getCacheRemovals()).isEqualTo(1);
  }

  @Test
  void aBatchRefusedPartWayAfterTheWriterFailedSomeKeysFailsTheCallWithTheWritersFailure() {
    fixture.close();
    GroupFixture writing = new GroupFixture(new javax.cache.expiry.EternalExpiryPolicy(), new FailingOn("z"));
    try {
      writing.group.replicateTo(replication);
      replication.commitsBeforeRefusal = 1;

      Throwable thrown = catchThrowable(() -> writing.group.putAll(entries("a", "A", "b", "B", "z", "Z")));

      assertThat(thrown).isInstanceOf(Replication.Failed.class).hasMessageContaining("cache writer failed");
      assertThat(thrown.getCause()).isInstanceOf(javax.cache.integration.CacheWriterException.class);
      assertThat(writing.group.get("z")).isNull();
    } finally {
      writing.close();
    }
  }

  /** A writer that fails the one key it is given and writes the rest. */
  private static final class FailingOn implements javax.cache.integration.CacheWriter<String, String> {
    private final String failing;

    FailingOn(String failing) {
      this.failing = failing;
    }

    @Override public void write(javax.cache.Cache.Entry<? extends String, ? extends String> entry) {
      if (entry.getKey().equals(failing)) {
        throw new javax.cache.integration.CacheWriterException("cannot write " + failing);
      }
    }

    @Override public void writeAll(java.util.Collection<javax.cache.Cache.Entry<? extends String, ? extends String>> entries) {
      entries.removeIf(entry -> !entry.getKey().equals(failing));
      if (!entries.isEmpty()) {
        throw new javax.cache.integration.CacheWriterException("cannot write " + failing);
      }
    }

    @Override public void delete(Object key) {
    }

    @Override public void deleteAll(java.util.Collection<?> keys) {
      keys.clear();
    }
  }

  @Test
  void withoutReplicationPutAllChangesKeyByKeyAsBefore() {
    group.putAll(entries("a", "A", "b", "B"));
    assertThat(group.get("a")).isEqualTo("A");
    assertThat(replication.log).isEmpty();
  }
}
