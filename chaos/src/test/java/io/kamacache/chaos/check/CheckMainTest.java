package io.kamacache.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.chaos.history.Fn;
import io.kamacache.chaos.history.HistoryWriter;
import io.kamacache.chaos.history.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckMainTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return CheckMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private void record(Path file, String process, long putValue, Long readResult) {
    try (HistoryWriter w = new HistoryWriter(file, process)) {
      w.complete(w.invoke("k", Fn.PUT, putValue, null), Status.OK, null);
      w.complete(w.invoke("k", Fn.GET, null, null), Status.OK, readResult);
    }
  }

  @Test void cleanHistoryDirectoryExitsZeroAndSaysSo() throws Exception {
    record(dir.resolve("a.history"), "a", 1, 1L);
    Files.writeString(dir.resolve("notes.txt"), "not a history\n");

    assertThat(run(dir.toString())).isEqualTo(0);
    assertThat(out())
        .contains("files: 1, operations: 2")
        .contains("keys: 1, operations checked: 2")
        .contains("violations: 0")
        .contains("undecided keys (search budget 60 s each): none")
        .contains("lost acknowledged writes: 0")
        .contains("never-written values read: 0")
        .contains("stale reads: 0")
        .contains("result: OK");
  }

  @Test void lostWriteExitsOneAndPrintsTheExplanationAndCounts() {
    Path file = dir.resolve("a.history");
    record(file, "a", 1, 1L);
    record(file, "b", 2, 1L);

    assertThat(run("--budget-seconds", "30", file.toString())).isEqualTo(1);
    assertThat(out())
        .contains("violations: 1")
        .contains("key k: no linearization")
        .contains("b #2 GET -> 1")
        .contains("lost acknowledged writes: 1")
        .contains("stale reads: 1")
        .contains("result: FAILED");
  }

  @Test void unreadableHistoryExitsOneNamingFileAndLine() throws Exception {
    Path file = dir.resolve("bad.history");
    Files.writeString(file, "X\tnonsense\n");

    assertThat(run(file.toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(file + ":1");
  }

  @Test void missingArgumentsExitOneWithUsage() {
    assertThat(run()).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage:");
    assertThat(run("--frobnicate", dir.toString())).isEqualTo(1);
    assertThat(run(dir.resolve("missing.history").toString())).isEqualTo(1);
  }
}
