package io.kamacache.chaos.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OsTest {

  @Test
  void readsTheStateAfterACommandNameWithSpacesAndParentheses() {
    assertThat(Os.parseState("1234 (java) S 1 1234")).isEqualTo('S');
    assertThat(Os.parseState("1234 (a) b (c)) T 1 1234")).isEqualTo('T');
    assertThat(Os.parseState("garbage")).isEqualTo('?');
  }

  @Test
  void ourOwnProcessIsNotStopped() {
    assertThat(Os.state(ProcessHandle.current().pid())).isIn('R', 'S');
  }

  @Test
  void sigstopStopsAProcessAndSigcontResumesIt() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      Os.signal(sleeper.pid(), "STOP");
      assertThat(Os.awaitState(sleeper.pid(), "T", Duration.ofSeconds(5))).isTrue();
      Os.signal(sleeper.pid(), "CONT");
      assertThat(Os.awaitState(sleeper.pid(), "S", Duration.ofSeconds(5))).isTrue();
    } finally {
      sleeper.destroyForcibly().waitFor();
    }
  }
}
