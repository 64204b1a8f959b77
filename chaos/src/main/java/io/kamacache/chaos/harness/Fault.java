package io.kamacache.chaos.harness;

import java.time.Duration;
import java.util.List;
import java.util.Random;

/** What a scenario's fault works with: the cluster, the timing, the run's randomness and its event log. */
final class Fault {

  private final Cluster cluster;
  private final Timing timing;
  private final Random random;
  private final Events events;

  Fault(Cluster cluster, Timing timing, Random random, Events events) {
    this.cluster = cluster;
    this.timing = timing;
    this.random = random;
    this.events = events;
  }

  Cluster cluster() {
    return cluster;
  }

  Timing timing() {
    return timing;
  }

  /** A member picked by the run's seed, so a run can be repeated. */
  MemberJvm victim() {
    List<MemberJvm> members = cluster.members();
    return members.get(random.nextInt(members.size()));
  }

  void event(String what) {
    events.add(what);
  }

  /** Keeps the fault in place: this wait is the fault's duration, not a settling delay. */
  void hold(Duration duration) {
    Os.sleep(duration);
  }
}
