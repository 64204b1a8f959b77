package io.kamacache.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The counts and events of Group's plain operations, one operation at a time. */
class GroupStatisticsAndEventsTest {

  @Test
  void getCountsAHitOrAMissAndFiresNothing() {
    try (GroupFixture fixture = new GroupFixture()) {
      assertThat(fixture.group.get("k")).isNull();
      fixture.group.put("k", "a");
      assertThat(fixture.group.get("k")).isEqualTo("a");

      assertThat(fixture.counts()).isEqualTo("hits=1 misses=1 puts=1 removals=0");
      assertThat(fixture.events).containsExactly("CREATED k a null");
    }
  }

  @Test
  void putThenPutAgainIsACreateThenAnUpdate() {
    try (GroupFixture fixture = new GroupFixture()) {
      fixture.group.put("k", "a");
      assertThat(fixture.group.getAndPut("k", "b")).isEqualTo("a");

      assertThat(fixture.counts()).isEqualTo("hits=1 misses=0 puts=2 removals=0");
      assertThat(fixture.events).containsExactly("CREATED k a null", "UPDATED k b a");
    }
  }

  @Test
  void replaceAndGetAndReplaceChangeOnlyPresentKeys() {
    try (GroupFixture fixture = new GroupFixture()) {
      assertThat(fixture.group.replace("k", "a")).isFalse();
      assertThat(fixture.group.getAndReplace("k", "a")).isNull();
      assertThat(fixture.group.store().size()).isZero();
      assertThat(fixture.counts()).isEqualTo("hits=0 misses=2 puts=0 removals=0");

      fixture.group.put("k", "a");
      assertThat(fixture.group.getAndReplace("k", "b")).isEqualTo("a");
      assertThat(fixture.group.replace("k", "c")).isTrue();
      assertThat(fixture.counts()).isEqualTo("hits=2 misses=2 puts=3 removals=0");
      assertThat(fixture.events).containsExactly("CREATED k a null", "UPDATED k b a", "UPDATED k c b");
    }
  }

  @Test
  void removalsCountOnlyWhatWasThere() {
    try (GroupFixture fixture = new GroupFixture()) {
      fixture.group.putAll(Map.of("a", "1", "b", "2", "c", "3"));
      assertThat(fixture.group.remove("a")).isTrue();
      assertThat(fixture.group.remove("a")).isFalse();
      assertThat(fixture.group.getAndRemove("b")).isEqualTo("2");
      assertThat(fixture.group.getAndRemove("b")).isNull();
      fixture.group.removeAll(Set.of("c", "missing"));

      assertThat(fixture.group.store().size()).isZero();
      assertThat(fixture.counts()).isEqualTo("hits=1 misses=1 puts=3 removals=3");
      assertThat(fixture.events).filteredOn(event -> event.startsWith("REMOVED"))
          .containsExactlyInAnyOrder("REMOVED a 1 1", "REMOVED b 2 2", "REMOVED c 3 3");
    }
  }

  @Test
  void clearEmptiesWithoutEventsOrCounts() {
    try (GroupFixture fixture = new GroupFixture()) {
      fixture.group.put("k", "a");
      fixture.group.clear();

      assertThat(fixture.group.store().size()).isZero();
      assertThat(fixture.counts()).isEqualTo("hits=0 misses=0 puts=1 removals=0");
      assertThat(fixture.events).containsExactly("CREATED k a null");
    }
  }

  @Test
  void aProcessorsNetEffectCountsAndFiresAsTheMatchingOperation() {
    try (GroupFixture fixture = new GroupFixture()) {
      fixture.group.invoke("k", (entry, arguments) -> {
        entry.setValue("a");
        return null;
      });
      String seen = fixture.group.invoke("k", (entry, arguments) -> entry.getValue());
      fixture.group.invoke("k", (entry, arguments) -> {
        entry.remove();
        return null;
      });

      assertThat(seen).isEqualTo("a");
      assertThat(fixture.counts()).isEqualTo("hits=2 misses=1 puts=1 removals=1");
      assertThat(fixture.events).containsExactly("CREATED k a null", "REMOVED k a a");
    }
  }

  @Test
  void invokeAllReportsResultsAndFailuresPerKey() {
    try (GroupFixture fixture = new GroupFixture()) {
      fixture.group.put("good", "1");
      fixture.group.put("bad", "2");

      var results = fixture.group.invokeAll(Set.of("good", "bad", "silent"), (entry, arguments) -> {
        if (entry.getKey().equals("bad")) {
          throw new IllegalStateException("bad key");
        }
        return entry.getKey().equals("good") ? entry.getValue() : null;
      });

      assertThat(results).containsOnlyKeys("good", "bad");
      assertThat(results.get("good").get()).isEqualTo("1");
      assertThat(catchThrowable(() -> results.get("bad").get()))
          .hasRootCauseMessage("bad key");
    }
  }
}
