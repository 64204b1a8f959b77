package io.kamacache.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class NativeTransportTest {

  /** Netty's native library must match Netty's classes; a version skew silently falls back to NIO. */
  @Test
  void theEpollTransportLoadsOnLinuxX86() {
    assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"));
    assumeTrue(System.getProperty("os.arch").matches("amd64|x86_64"));
    assertThat(Epoll.isAvailable())
        .as("epoll unavailable: %s", Epoll.unavailabilityCause())
        .isTrue();
  }
}
