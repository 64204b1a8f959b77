package io.kamacache.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MemberArgsTest {

  @Test
  void parsesWhatItPrints() {
    MemberArgs args = new MemberArgs(Path.of("/s.properties"), Path.of("/h"), 3, 20, -7, 101, 5, 2);
    assertThat(MemberArgs.parse(args.toArgs())).isEqualTo(args);
  }

  @Test
  void optionalArgumentsHaveDefaults() {
    MemberArgs args = MemberArgs.parse("--settings", "s", "--history", "h", "--workers", "2", "--keys", "10",
        "--seed", "1", "--tag=1");
    assertThat(args.thinkMillis()).isEqualTo(10);
    assertThat(args.incarnation()).isZero();
  }

  @Test
  void rejectsUnknownAndMissingArguments() {
    assertThatThrownBy(() -> MemberArgs.parse("--settings", "s")).hasMessageContaining("missing --history");
    assertThatThrownBy(() -> MemberArgs.parse("--settings", "s", "--history", "h", "--workers", "2", "--keys", "10",
        "--seed", "1", "--tag", "1", "--colour", "red")).hasMessageContaining("--colour");
  }

  @Test
  void rejectsMoreWorkersThanATagBlockHolds() {
    assertThatThrownBy(() -> new MemberArgs(Path.of("s"), Path.of("h"), Workload.TAGS_PER_MEMBER, 1, 1, 1, 0, 0))
        .hasMessageContaining("--workers");
  }

  @Test
  void processNamesDifferBetweenIncarnations() {
    assertThat(Workload.processPrefix("m1", 0)).isEqualTo("m1");
    assertThat(Workload.processPrefix("m1", 2)).isEqualTo("m1~2");
  }
}
