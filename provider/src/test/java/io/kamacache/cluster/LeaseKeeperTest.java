package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.Client;
import io.kamacache.testsupport.EtcdExtension;
import io.kamacache.testsupport.Ports;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The keepalives that prove a member's lease, sent to a real etcd. */
class LeaseKeeperTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  static ClusterConfig config(String endpoint, String... more) {
    Properties properties = new Properties();
    properties.setProperty(ClusterConfig.ENDPOINTS, endpoint);
    properties.setProperty(ClusterConfig.CLUSTER, "keeper");
    for (int i = 0; i + 1 < more.length; i += 2) {
      properties.setProperty(more[i], more[i + 1]);
    }
    return ClusterConfig.from(properties);
  }

  @Test
  void aLiveLeaseIsRenewedForItsTtlAndARevokedOneIsReportedGone() throws Exception {
    try (Client client = Client.builder().endpoints(etcd.endpoint()).build();
        LeaseKeeper keeper = new LeaseKeeper(config(etcd.endpoint()))) {
      long lease = client.getLeaseClient().grant(7).get(10, TimeUnit.SECONDS).getID();
      assertThat(keeper.keepAlive(lease, 5 * SECOND).get(10, TimeUnit.SECONDS)).isEqualTo(7);

      client.getLeaseClient().revoke(lease).get(10, TimeUnit.SECONDS);
      assertThat(keeper.keepAlive(lease, 5 * SECOND).get(10, TimeUnit.SECONDS)).isLessThanOrEqualTo(0);
    }
  }

  @Test
  void aKeepaliveToAnEtcdThatIsNotThereFailsWithinItsTimeout() throws Exception {
    String nobody = "http://127.0.0.1:" + Ports.free();
    try (LeaseKeeper keeper = new LeaseKeeper(config(nobody))) {
      assertThatThrownBy(() -> keeper.keepAlive(1, SECOND).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
    }
  }

  @Test
  void aNewChannelAfterReconnectStillRenews() throws Exception {
    try (Client client = Client.builder().endpoints(etcd.endpoint()).build();
        LeaseKeeper keeper = new LeaseKeeper(config(etcd.endpoint()))) {
      long lease = client.getLeaseClient().grant(9).get(10, TimeUnit.SECONDS).getID();
      keeper.keepAlive(lease, 5 * SECOND).get(10, TimeUnit.SECONDS);
      keeper.reconnect();
      assertThat(keeper.keepAlive(lease, 5 * SECOND).get(10, TimeUnit.SECONDS)).isEqualTo(9);
    }
  }
}
