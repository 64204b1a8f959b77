package io.kamacache.benchmarks.remote;

/**
 * Starts a system's benchmark topology, loaded as for the benchmarks, and leaves it idle for a
 * while: what its processes spend doing nothing is subtracted from what they spend per operation
 * (scripts/cpu-per-op.sh). Prints {@code READY} once every member is up.
 *
 * <pre>java -cp benchmarks.jar io.kamacache.benchmarks.remote.IdleCluster SYSTEM SECONDS</pre>
 */
public final class IdleCluster {

  private IdleCluster() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: IdleCluster SYSTEM SECONDS (SYSTEM: " + Topology.KAMACACHE + ", "
          + Topology.HAZELCAST + " or " + Topology.GRPC_ECHO + ")");
    }
    long seconds = Long.parseLong(args[1]);
    try (Topology topology = Topology.start(args[0])) {
      System.out.println("READY");
      Thread.sleep(seconds * 1000);
    }
  }
}
