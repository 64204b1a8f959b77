package io.kamacache.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.proto.v1.PeerGrpc;
import org.junit.jupiter.api.Test;

class PeerCallsTest {

  @Test
  void everyPeerMethodHasAKindOfItsOwnDerivedFromTheService() {
    assertThat(PeerCalls.KINDS).isEqualTo(PeerGrpc.getServiceDescriptor().getMethods().size());
    assertThat(PeerCalls.GET).isBetween(0, PeerCalls.KINDS - 1);
  }
}
