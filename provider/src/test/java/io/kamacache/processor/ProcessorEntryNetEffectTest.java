package io.kamacache.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamacache.processor.ProcessorEntry.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.cache.processor.EntryProcessorException;
import org.junit.jupiter.api.Test;

/** A processor's calls on its MutableEntry add up to one net effect, which the cache then applies. */
class ProcessorEntryNetEffectTest {

  private final List<String> loads = new ArrayList<>();

  private Function<String, String> loaderKnowing(String key, String value) {
    return k -> {
      loads.add(k);
      return k.equals(key) ? value : null;
    };
  }

  @Test
  void doingNothingIsNoEffect() {
    ProcessorEntry<String, String> entry = new ProcessorEntry<>("k", "a", null);
    assertThat(entry.outcome()).isEqualTo(Outcome.NONE);
    assertThat(entry.existed()).isTrue();
  }

  @Test
  void readingAnExistingValueIsAnAccess() {
    ProcessorEntry<String, String> entry = new ProcessorEntry<>("k", "a", null);
    assertThat(entry.getValue()).isEqualTo("a");
    assertThat(entry.outcome()).isEqualTo(Outcome.ACCESSED);
  }

  @Test
  void settingAValueCreatesOrUpdatesDependingOnWhetherItExisted() {
    ProcessorEntry<String, String> absent = new ProcessorEntry<>("k", null, null);
    absent.setValue("b");
    assertThat(absent.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(absent.value()).isEqualTo("b");

    ProcessorEntry<String, String> present = new ProcessorEntry<>("k", "a", null);
    present.getValue();
    present.setValue("b");
    assertThat(present.outcome()).isEqualTo(Outcome.UPDATED);
  }

  @Test
  void creatingThenRemovingIsNoEffect() {
    ProcessorEntry<String, String> entry = new ProcessorEntry<>("k", null, null);
    entry.setValue("b");
    entry.remove();
    assertThat(entry.outcome()).isEqualTo(Outcome.NONE);
    assertThat(entry.exists()).isFalse();
  }

  @Test
  void removingIsARemoveEvenOfAnAbsentKey() {
    ProcessorEntry<String, String> present = new ProcessorEntry<>("k", "a", null);
    present.setValue("b");
    present.remove();
    assertThat(present.outcome()).isEqualTo(Outcome.REMOVED);

    ProcessorEntry<String, String> absent = new ProcessorEntry<>("k", null, null);
    absent.remove();
    assertThat(absent.outcome()).isEqualTo(Outcome.REMOVED);
  }

  @Test
  void readingAnAbsentKeyLoadsItOnceWhenReadingThrough() {
    ProcessorEntry<String, String> entry = new ProcessorEntry<>("k", null, loaderKnowing("k", "loaded"));
    assertThat(entry.exists()).isFalse();
    assertThat(entry.getValue()).isEqualTo("loaded");
    assertThat(entry.getValue()).isEqualTo("loaded");
    assertThat(entry.outcome()).isEqualTo(Outcome.LOADED);
    assertThat(loads).containsExactly("k");

    entry.remove();
    assertThat(entry.outcome()).isEqualTo(Outcome.NONE);
  }

  @Test
  void aLoaderThatFindsNothingIsAskedOnceAndLeavesNoEffect() {
    ProcessorEntry<String, String> entry = new ProcessorEntry<>("k", null, loaderKnowing("other", "x"));
    assertThat(entry.getValue()).isNull();
    assertThat(entry.getValue()).isNull();
    assertThat(entry.outcome()).isEqualTo(Outcome.NONE);
    assertThat(loads).containsExactly("k");
  }

  @Test
  void aRemovedEntryIsNotLoadedAgain() {
    ProcessorEntry<String, String> entry = new ProcessorEntry<>("k", "a", loaderKnowing("k", "loaded"));
    entry.remove();
    assertThat(entry.getValue()).isNull();
    assertThat(loads).isEmpty();
  }

  @Test
  void aNullValueIsRefused() {
    ProcessorEntry<String, String> entry = new ProcessorEntry<>("k", "a", null);
    assertThatThrownBy(() -> entry.setValue(null)).isInstanceOf(NullPointerException.class);
    assertThat(entry.outcome()).isEqualTo(Outcome.NONE);
  }

  @Test
  void whatAProcessorThrowsReachesTheCallerAsAnEntryProcessorException() {
    ProcessorEntry<String, String> entry = new ProcessorEntry<>("k", "a", null);
    IllegalStateException cause = new IllegalStateException("no");
    assertThatThrownBy(() -> entry.process((e, arguments) -> {
      throw cause;
    })).isInstanceOf(EntryProcessorException.class).hasCause(cause);

    EntryProcessorException own = new EntryProcessorException("own");
    assertThatThrownBy(() -> entry.process((e, arguments) -> {
      throw own;
    })).isSameAs(own);
  }

  @Test
  void processPassesTheArgumentsAndReturnsTheResult() {
    ProcessorEntry<String, String> entry = new ProcessorEntry<>("k", "a", null);
    String result = entry.process((e, arguments) -> e.getValue() + arguments[0] + arguments[1], "-", 1);
    assertThat(result).isEqualTo("a-1");
  }
}
