package io.kamacache.chaos.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NetnsTest {

  private final Netns netns = new Netns("kcx1a2b", 77);

  @Test
  void namesCarryTheRunPrefix() {
    assertThat(netns.etcdNamespace()).isEqualTo("kcx1a2b-etcd");
    assertThat(netns.namespace("m3")).isEqualTo("kcx1a2b-m3");
  }

  @Test
  void interfaceNamesFitTheKernelsFifteenCharacters() {
    assertThat(netns.memberEnd(Netns.MAX_MEMBERS - 1)).hasSizeLessThanOrEqualTo(15);
    assertThat(netns.bridgeEnd(Netns.MAX_MEMBERS - 1)).hasSizeLessThanOrEqualTo(15);
    assertThat(netns.memberEnd(3)).isNotEqualTo(netns.bridgeEnd(3));
  }

  @Test
  void addressesStayInTheRunsPrivateSubnet() {
    assertThat(netns.etcdAddress()).isEqualTo("10.251.77.1");
  }

  @Test
  void leftoversAreThoseOfOurFamilyWithADeadOwner() {
    List<String> names = List.of("kcx00ff-etcd", "kcx00ff-m1", "kcx00ffb0", "kcxbeef-etcd", "kc-etcd", "lo",
        "kcxzzzz-etcd", "other");
    assertThat(Netns.stalePrefixes(names, prefix -> prefix.equals("kcxbeef"))).containsExactly("kcx00ff");
  }

  @Test
  void readsNamespaceAndLinkListings() {
    assertThat(Netns.namespaceNames("kcx00ff-m1 (id: 3)\nkcx00ff-etcd\n")).containsExactly("kcx00ff-m1", "kcx00ff-etcd");
    assertThat(Netns.linkNames("1: lo: <LOOPBACK,UP> mtu 65536\n9: kcx00ffv0@kcx00ffb0: <BROADCAST> mtu 1500\n"))
        .containsExactly("lo", "kcx00ffv0");
  }

  @Test
  void commandsRunInsideANamespaceThroughIpNetnsExec() {
    assertThat(MemberJvm.command("kcx00ff-m1", "cp", List.of("--keys", "3")))
        .startsWith("ip", "netns", "exec", "kcx00ff-m1")
        .contains(MemberJvm.MAIN)
        .endsWith("--keys", "3");
    assertThat(MemberJvm.command(null, "cp", List.of())).first().asString().endsWith("java");
  }
}
