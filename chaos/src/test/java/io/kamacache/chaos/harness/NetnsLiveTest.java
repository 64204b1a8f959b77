package io.kamacache.chaos.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The namespaces on the real kernel: made, used, cut, healed and removed. Needs root. */
class NetnsLiveTest {

  @BeforeAll
  static void root() {
    assumeTrue("0".equals(Os.listing("id", "-u").trim()), "network namespaces need root");
  }

  @Test
  void aProcessRunInANamespaceKeepsItsPidSoSignalsReachIt() throws Exception {
    try (Netns netns = Netns.allocate(new Random())) {
      netns.createEtcd();
      List<String> command = new ArrayList<>(Netns.exec(netns.etcdNamespace()));
      command.addAll(List.of("sleep", "60"));
      Process process = new ProcessBuilder(command).start();
      try {
        assertThat(Os.awaitState(process.pid(), "S", Duration.ofSeconds(5))).isTrue();
        assertThat(Files.readString(Path.of("/proc", String.valueOf(process.pid()), "comm")).trim()).isEqualTo("sleep");
      } finally {
        process.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void aCutMemberCannotReachEtcdUntilHealedAndNothingIsLeftAfterClose() {
    String prefix;
    try (Netns netns = Netns.allocate(new Random())) {
      prefix = netns.prefix();
      netns.createEtcd();
      netns.addMember("m1");
      // Nothing listens there: a reachable etcd address refuses at once, a cut one never answers.
      assertThat(connectFromMember(netns)).contains("refused");
      netns.cut("m1");
      assertThat(connectFromMember(netns)).doesNotContain("refused");
      netns.heal("m1");
      assertThat(connectFromMember(netns)).contains("refused");
    }
    assertThat(Netns.namespaceNames(Os.listing("ip", "netns", "list"))).noneMatch(name -> name.startsWith(prefix));
    assertThat(Netns.linkNames(Os.listing("ip", "-o", "link", "show"))).noneMatch(name -> name.startsWith(prefix));
    assertThat(Netns.OWNERS.resolve(prefix)).doesNotExist();
  }

  private static String connectFromMember(Netns netns) {
    List<String> command = new ArrayList<>(Netns.exec(netns.namespace("m1")));
    command.addAll(List.of("timeout", "2", "bash", "-c", "exec 3<>/dev/tcp/" + netns.etcdAddress() + "/9"));
    return Os.runAllowingFailure(command.toArray(String[]::new));
  }
}
