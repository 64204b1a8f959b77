package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ClientBuilder;
import org.junit.jupiter.api.Test;

/** The settings of the etcd clients a member makes. */
class EtcdClientsTest {

  /**
   * etcd counts a ping on a connection with no call open against the client, and after a few
   * closes the connection (GOAWAY too_many_pings): that failed lease keepalives in member JVMs
   * every minute or so. It takes 90 s of real time to happen, so the setting itself is checked.
   */
  @Test
  void clientsDoNotPingEtcdWithoutACallOpen() {
    ClientBuilder builder = EtcdClients.builder(LeaseKeeperTest.config("http://127.0.0.1:2379"));

    assertThat(builder.keepaliveWithoutCalls()).isFalse();
  }
}
