package io.kamacache.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.chaos.history.Fn;
import io.kamacache.chaos.history.HistoryReader;
import io.kamacache.chaos.history.HistoryWriter;
import io.kamacache.chaos.history.Op;
import io.kamacache.chaos.history.Status;
import java.net.URI;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerTest {

  private CacheManager manager;
  private Cache<String, Long> cache;

  @BeforeEach
  void embeddedCache() {
    manager = Caching.getCachingProvider(ChaosMember.PROVIDER).getCacheManager(
        URI.create("chaos-worker-test"), getClass().getClassLoader());
    cache = manager.createCache("c", new MutableConfiguration<String, Long>().setTypes(String.class, Long.class));
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void theMixHasEveryOperation() {
    Set<Fn> seen = EnumSet.noneOf(Fn.class);
    for (int percent = 0; percent < 100; percent++) {
      seen.add(Worker.choose(percent));
    }
    assertThat(seen).containsExactlyInAnyOrder(Fn.values());
  }

  @Test
  void operationsFollowTheHistoryContract() {
    assertThat(Worker.apply(cache, "k", Fn.GET, null, null)).isNull();
    assertThat(Worker.apply(cache, "k", Fn.INCR, null, null)).isEqualTo(1L);
    assertThat(Worker.apply(cache, "k", Fn.INCR, null, null)).isEqualTo(2L);
    assertThat(Worker.apply(cache, "k", Fn.PUT, 5L, null)).isNull();
    assertThat(Worker.apply(cache, "k", Fn.CAS, 6L, 4L)).isEqualTo(0L);
    assertThat(Worker.apply(cache, "k", Fn.CAS, 6L, 5L)).isEqualTo(1L);
    assertThat(Worker.apply(cache, "k", Fn.GET_AND_PUT, 7L, null)).isEqualTo(6L);
    assertThat(Worker.apply(cache, "k", Fn.REMOVE, null, null)).isEqualTo(1L);
    assertThat(Worker.apply(cache, "k", Fn.REMOVE, null, null)).isEqualTo(0L);
  }

  @Test
  void recordsEveryOperationWithUniqueWrittenValues(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("w.history");
    try (HistoryWriter history = new HistoryWriter(file, "m1-t0")) {
      Worker worker = new Worker(cache, history, 4, 1, 7, 0, new Failures(), () -> false);
      for (int i = 0; i < 500; i++) {
        worker.step();
      }
      assertThat(worker.completed()).isEqualTo(500);
    }
    List<Op> ops = HistoryReader.read(List.of(file));
    // A putAll step records one put per key it writes, so the history is longer than the steps.
    assertThat(ops).allMatch(op -> op.status() == Status.OK);
    assertThat(ops.size()).isGreaterThan(500);
    assertThat((ops.size() - 500) % (Worker.PUT_ALL_KEYS - 1)).isZero();
    assertThat(ops).extracting(Op::fn).contains(Fn.PUT, Fn.GET, Fn.CAS, Fn.GET_AND_PUT, Fn.INCR, Fn.REMOVE);
    List<Long> written = ops.stream().filter(op -> op.arg() != null).map(Op::arg).toList();
    assertThat(written).doesNotHaveDuplicates().allMatch(value -> value / Worker.VALUE_SPACE == 7);
    assertThat(ops).filteredOn(op -> op.fn() == Fn.CAS).allMatch(op -> op.expected() != null);
  }

  @Test
  void failuresCountAsOneKindWhateverTheNumbersInTheirMessage() {
    Failures failures = new Failures();
    failures.record(new IllegalStateException("deadline after 3000 ms to 10.0.0.1"));
    failures.record(new IllegalStateException("deadline after 2999 ms to 10.0.0.2"));
    assertThat(Failures.describe(new IllegalStateException("after 3000 ms")))
        .isEqualTo("java.lang.IllegalStateException: after # ms");
    assertThat(failures.total()).isEqualTo(2);
  }
}
