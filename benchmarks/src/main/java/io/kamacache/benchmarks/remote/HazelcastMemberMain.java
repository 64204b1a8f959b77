package io.kamacache.benchmarks.remote;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.Arrays;
import java.util.List;

/**
 * A Hazelcast member for the distributed comparison: bound to 127.0.0.1, joining by TCP-IP only
 * the members listed, so the topology matches KamaCache's (three member JVMs and the benchmark).
 *
 * <pre>java -cp benchmarks.jar io.kamacache.benchmarks.remote.HazelcastMemberMain cluster port port,port,...</pre>
 */
public final class HazelcastMemberMain {

  private HazelcastMemberMain() {}

  /** A member on {@code port} that joins {@code members} by TCP-IP, or nobody if there are none. */
  public static HazelcastInstance start(String cluster, int port, List<Integer> members) {
    Config config = new Config();
    config.setClusterName(cluster);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.logging.type", "none");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(!members.isEmpty());
    for (int member : members) {
      join.getTcpIpConfig().addMember("127.0.0.1:" + member);
    }
    return Hazelcast.newHazelcastInstance(config);
  }

  public static void main(String[] args) throws InterruptedException {
    List<Integer> members = Arrays.stream(args[2].split(",")).map(Integer::valueOf).toList();
    start(args[0], Integer.parseInt(args[1]), members);
    System.out.println("hazelcast member serving at 127.0.0.1:" + args[1]);
    System.out.flush();
    Thread.currentThread().join();
  }
}
