package io.kamacache.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryWriterReaderTest {

  @TempDir Path dir;

  @Test void roundTripKeepsEveryFieldOfEveryOperation() throws IOException {
    Path a = dir.resolve("a.history");
    Path b = dir.resolve("b.history");
    long before = System.nanoTime();
    try (HistoryWriter w1 = new HistoryWriter(a, "m1-t1"); HistoryWriter w2 = new HistoryWriter(b, "m2-t1")) {
      long put = w1.invoke("k1", Fn.PUT, 5L, null);
      w1.complete(put, Status.OK, null);
      long cas = w2.invoke("k 2", Fn.CAS, 6L, 5L);
      w2.complete(cas, Status.OK, 1L);
      long get = w1.invoke("k1", Fn.GET, null, null);
      w1.complete(get, Status.FAIL, null);
      long incr = w2.invoke("k1", Fn.INCR, null, null);
      w2.complete(incr, Status.UNKNOWN, null);
      long neg = w1.invoke("k1", Fn.GET_AND_PUT, -3L, null);
      w1.complete(neg, Status.OK, Long.MIN_VALUE);
    }
    long after = System.nanoTime();

    List<Op> ops = HistoryReader.read(List.of(a, b));

    assertThat(ops).extracting(Op::process, Op::key, Op::fn, Op::arg, Op::expected, Op::result, Op::status)
        .containsExactly(
            tuple("m1-t1", "k1", Fn.PUT, 5L, null, null, Status.OK),
            tuple("m2-t1", "k 2", Fn.CAS, 6L, 5L, 1L, Status.OK),
            tuple("m1-t1", "k1", Fn.GET, null, null, null, Status.FAIL),
            tuple("m2-t1", "k1", Fn.INCR, null, null, null, Status.UNKNOWN),
            tuple("m1-t1", "k1", Fn.GET_AND_PUT, -3L, null, Long.MIN_VALUE, Status.OK));
    for (Op op : ops) {
      assertThat(op.start()).isBetween(before, op.end());
      assertThat(op.end()).isLessThanOrEqualTo(after);
    }
    assertThat(ops.get(0).end()).isLessThanOrEqualTo(ops.get(1).start());
  }

  @Test void idsAreUniqueWithinAWriter() {
    try (HistoryWriter w = new HistoryWriter(dir.resolve("h.history"), "p")) {
      Set<Long> ids = new HashSet<>();
      for (int i = 0; i < 100; i++) {
        assertThat(ids.add(w.invoke("k", Fn.GET, null, null))).isTrue();
      }
    }
  }

  @Test void invocationWithoutCompletionReadsAsUnknownThatNeverEnded() throws IOException {
    Path file = dir.resolve("h.history");
    try (HistoryWriter w = new HistoryWriter(file, "p")) {
      w.invoke("k", Fn.PUT, 1L, null);
    }
    Op op = HistoryReader.read(List.of(file)).get(0);
    assertThat(op.status()).isEqualTo(Status.UNKNOWN);
    assertThat(op.end()).isEqualTo(Long.MAX_VALUE);
    assertThat(op.result()).isNull();
  }

  @Test void eachLineIsInTheFileWhenTheCallReturns() throws IOException {
    Path file = dir.resolve("h.history");
    HistoryWriter w = new HistoryWriter(file, "p");
    long id = w.invoke("k", Fn.PUT, 1L, null);
    // Not closed: what a SIGKILL leaves behind is whatever already reached the OS.
    assertThat(Files.readAllLines(file)).hasSize(1).first().asString().startsWith("I\tp\t" + id + "\tk\tPUT\t1\t-\t");
    w.complete(id, Status.OK, null);
    assertThat(Files.readAllLines(file)).hasSize(2).last().asString().startsWith("C\tp\t" + id + "\tOK\t-\t");
    w.close();
  }

  @Test void truncatedLastLineIsIgnored() throws IOException {
    Path file = dir.resolve("h.history");
    try (HistoryWriter w = new HistoryWriter(file, "p")) {
      w.complete(w.invoke("k", Fn.PUT, 1L, null), Status.OK, null);
      w.invoke("k", Fn.GET, null, null);
    }
    // A kill in the middle of writing the completion of the GET.
    Files.writeString(file, "C\tp\t2\tO", StandardOpenOption.APPEND);

    List<Op> ops = HistoryReader.read(List.of(file));

    assertThat(ops).hasSize(2);
    assertThat(ops.get(1).status()).isEqualTo(Status.UNKNOWN);
  }

  @Test void malformedLineIsReportedWithFileAndLineNumber() throws IOException {
    Path file = dir.resolve("bad.history");
    Files.writeString(file, "I\tp\t1\tk\tPUT\t1\t-\t100\nC\tp\t1\tOK\t-\t200\nI\tp\t2\tk\tFROB\t-\t-\t300\n");
    assertThatThrownBy(() -> HistoryReader.read(List.of(file)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file + ":3")
        .hasMessageContaining("FROB");
  }

  @Test void lineWithBadNumberIsReportedWithFileAndLineNumber() throws IOException {
    Path file = dir.resolve("bad.history");
    Files.writeString(file, "I\tp\t1\tk\tPUT\tseven\t-\t100\n");
    assertThatThrownBy(() -> HistoryReader.read(List.of(file)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file + ":1")
        .hasMessageContaining("arg");
  }

  @Test void lineWithMissingFieldsIsMalformed() throws IOException {
    Path file = dir.resolve("bad.history");
    Files.writeString(file, "I\tp\t1\tk\tPUT\t1\t-\t100\nC\tp\t1\tOK\t200\n");
    assertThatThrownBy(() -> HistoryReader.read(List.of(file)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file + ":2");
  }

  @Test void completionWithoutInvocationIsRejected() throws IOException {
    Path file = dir.resolve("bad.history");
    Files.writeString(file, "C\tp\t7\tOK\t-\t200\n");
    assertThatThrownBy(() -> HistoryReader.read(List.of(file)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file + ":1")
        .hasMessageContaining("never invoked");
  }

  @Test void sameOperationInvokedInTwoFilesIsRejected() throws IOException {
    Path a = dir.resolve("a.history");
    Path b = dir.resolve("b.history");
    Files.writeString(a, "I\tp\t1\tk\tGET\t-\t-\t100\n");
    Files.writeString(b, "I\tp\t1\tk\tGET\t-\t-\t150\n");
    assertThatThrownBy(() -> HistoryReader.read(List.of(a, b)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(b + ":1")
        .hasMessageContaining(a + ":1");
  }

  @Test void completionBeforeInvocationIsRejected() throws IOException {
    Path file = dir.resolve("bad.history");
    Files.writeString(file, "I\tp\t1\tk\tGET\t-\t-\t300\nC\tp\t1\tOK\t-\t200\n");
    assertThatThrownBy(() -> HistoryReader.read(List.of(file)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file + ":2");
  }

  @Test void reopeningAfterAKillMidLineDropsTheTornLineAndKeepsIdsUnique() throws IOException {
    Path file = dir.resolve("h.history");
    long first;
    try (HistoryWriter w = new HistoryWriter(file, "p")) {
      first = w.invoke("k", Fn.PUT, 1L, null);
      w.complete(first, Status.OK, null);
    }
    Files.writeString(file, "I\tp\t2\tk\tPU", StandardOpenOption.APPEND);

    long second;
    try (HistoryWriter w = new HistoryWriter(file, "p")) {
      second = w.invoke("k", Fn.GET, null, null);
      w.complete(second, Status.OK, 1L);
    }

    assertThat(second).isGreaterThan(first);
    assertThat(HistoryReader.read(List.of(file))).extracting(Op::id).containsExactly(first, second);
  }

  @Test void completingAnOperationTwiceOrOneNeverInvokedIsRefused() {
    try (HistoryWriter w = new HistoryWriter(dir.resolve("h.history"), "p")) {
      long id = w.invoke("k", Fn.GET, null, null);
      w.complete(id, Status.OK, null);
      assertThatThrownBy(() -> w.complete(id, Status.OK, null)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> w.complete(id + 100, Status.OK, null)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test void namesThatWouldBreakTheLineFormatAreRefused() {
    assertThatThrownBy(() -> new HistoryWriter(dir.resolve("h.history"), "p\t1"))
        .isInstanceOf(IllegalArgumentException.class);
    try (HistoryWriter w = new HistoryWriter(dir.resolve("h.history"), "p")) {
      assertThatThrownBy(() -> w.invoke("a\nb", Fn.GET, null, null)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> w.invoke("", Fn.GET, null, null)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test void writingAfterCloseIsRefused() {
    HistoryWriter w = new HistoryWriter(dir.resolve("h.history"), "p");
    w.close();
    assertThatThrownBy(() -> w.invoke("k", Fn.GET, null, null)).isInstanceOf(IllegalStateException.class);
  }

  @Test void manyThreadsSharingOneWriterProduceWholeLinesAndDistinctIds() throws Exception {
    Path file = dir.resolve("h.history");
    int threads = 8;
    int perThread = 500;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    try (HistoryWriter w = new HistoryWriter(file, "shared")) {
      for (int t = 0; t < threads; t++) {
        String key = "k" + t;
        Thread thread = new Thread(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          for (int i = 0; i < perThread; i++) {
            w.complete(w.invoke(key, Fn.PUT, (long) i, null), Status.OK, null);
          }
        });
        workers.add(thread);
        thread.start();
      }
      go.countDown();
      for (Thread thread : workers) {
        thread.join();
      }
    }
    List<Op> ops = HistoryReader.read(List.of(file));
    assertThat(ops).hasSize(threads * perThread).allMatch(op -> op.status() == Status.OK);
    assertThat(ops.stream().map(Op::id).distinct().count()).isEqualTo(threads * perThread);
    assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).endsWith("\n");
  }
}
