package io.kamacache.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.processor.EntryProcessorException;
import org.junit.jupiter.api.Test;

/**
 * A writer or an entry processor that throws leaves the Group as it was: same values, no event,
 * no put or removal counted, and the caller gets the spec's exception.
 */
class GroupFailuresChangeNothingTest {

  /** Accepts everything until {@link #failing} is set, then throws on every call. */
  private static final class FlakyWriter implements CacheWriter<String, String> {
    volatile boolean failing;

    private void check() {
      if (failing) {
        throw new IllegalStateException("the database is down");
      }
    }

    @Override public void write(Cache.Entry<? extends String, ? extends String> entry) {
      check();
    }

    @Override public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      check();
      entries.clear();
    }

    @Override public void delete(Object key) {
      check();
    }

    @Override public void deleteAll(Collection<?> keys) {
      check();
      keys.clear();
    }
  }

  private final FlakyWriter writer = new FlakyWriter();

  private GroupFixture holdingKEqualsA() {
    GroupFixture fixture = new GroupFixture(new EternalExpiryPolicy(), writer);
    fixture.group.put("k", "a");
    fixture.statistics.clear();
    fixture.events.clear();
    writer.failing = true;
    return fixture;
  }

  private static void assertUnchanged(GroupFixture fixture) {
    assertThat(fixture.group.store().size()).isEqualTo(1);
    assertThat(fixture.group.peek("k")).isEqualTo("a");
    assertThat(fixture.statistics.getCachePuts()).isZero();
    assertThat(fixture.statistics.getCacheRemovals()).isZero();
    assertThat(fixture.events).isEmpty();
  }

  @Test
  void aWriterFailureOnPutLeavesTheOldValue() {
    try (GroupFixture fixture = holdingKEqualsA()) {
      assertThatThrownBy(() -> fixture.group.put("k", "b"))
          .isInstanceOf(CacheWriterException.class).hasRootCauseMessage("the database is down");
      assertUnchanged(fixture);
    }
  }

  @Test
  void aWriterFailureOnEveryKindOfChangeLeavesTheEntry() {
    try (GroupFixture fixture = holdingKEqualsA()) {
      assertThatThrownBy(() -> fixture.group.getAndPut("k", "b")).isInstanceOf(CacheWriterException.class);
      assertThatThrownBy(() -> fixture.group.replace("k", "b")).isInstanceOf(CacheWriterException.class);
      assertThatThrownBy(() -> fixture.group.replace("k", "a", "b")).isInstanceOf(CacheWriterException.class);
      assertThatThrownBy(() -> fixture.group.remove("k")).isInstanceOf(CacheWriterException.class);
      assertThatThrownBy(() -> fixture.group.remove("k", "a")).isInstanceOf(CacheWriterException.class);
      assertThatThrownBy(() -> fixture.group.getAndRemove("k")).isInstanceOf(CacheWriterException.class);
      assertThatThrownBy(() -> fixture.group.putAll(Map.of("k", "b"))).isInstanceOf(CacheWriterException.class);
      assertThatThrownBy(() -> fixture.group.removeAll(Set.of("k"))).isInstanceOf(CacheWriterException.class);
      assertUnchanged(fixture);
    }
  }

  @Test
  void aProcessorThatThrowsAfterSettingAValueChangesNothing() {
    try (GroupFixture fixture = holdingKEqualsA()) {
      writer.failing = false;
      assertThatThrownBy(() -> fixture.group.invoke("k", (entry, arguments) -> {
        entry.setValue("b");
        throw new IllegalArgumentException("changed my mind");
      })).isInstanceOf(EntryProcessorException.class).hasRootCauseMessage("changed my mind");
      assertThatThrownBy(() -> fixture.group.invoke("k", (entry, arguments) -> {
        entry.remove();
        throw new IllegalArgumentException("changed my mind");
      })).isInstanceOf(EntryProcessorException.class);
      assertUnchanged(fixture);
    }
  }

  @Test
  void aProcessorWhoseWriteFailsChangesNothing() {
    try (GroupFixture fixture = holdingKEqualsA()) {
      assertThatThrownBy(() -> fixture.group.invoke("k", (entry, arguments) -> {
        entry.setValue("b");
        return null;
      })).isInstanceOf(EntryProcessorException.class).hasCauseInstanceOf(CacheWriterException.class);
      assertUnchanged(fixture);
    }
  }
}
