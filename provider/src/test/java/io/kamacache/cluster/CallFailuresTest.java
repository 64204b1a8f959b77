package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** Which failed calls may be tried again on another member, even for a write. */
class CallFailuresTest {

  @Test
  void aCallOnAChannelAlreadyShutDownWasNeverSent() {
    assertThat(CallFailures.neverSent(Status.UNAVAILABLE.withDescription("Channel shutdown invoked"))).isTrue();
  }

  @Test
  void aRefusedConnectionWasNeverSent() {
    assertThat(CallFailures.neverSent(Status.UNAVAILABLE.withCause(new RuntimeException(new ConnectException("refused")))))
        .isTrue();
  }

  @Test
  void aCallCutShortOrTimedOutMayHaveBeenApplied() {
    // shutdownNow cancels calls already on the wire; an unavailable peer may have applied the call.
    assertThat(CallFailures.neverSent(Status.UNAVAILABLE.withDescription("Channel shutdownNow invoked"))).isFalse();
    assertThat(CallFailures.neverSent(Status.UNAVAILABLE.withDescription("io exception"))).isFalse();
    assertThat(CallFailures.neverSent(Status.DEADLINE_EXCEEDED)).isFalse();
    assertThat(CallFailures.neverSent(Status.CANCELLED.withDescription("Channel shutdown invoked"))).isFalse();
  }
}
