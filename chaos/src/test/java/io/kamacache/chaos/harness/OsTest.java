package io.kamacache.chaos.harness;

import static org.assertj.core.api.Assertions.assertThat;

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
}
