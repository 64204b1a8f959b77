package io.kamacache.chaos.harness;

import java.time.Duration;

/**
 * The durations of one run's phases.
 *
 * @param leaseTtl the members' etcd lease; the provider's minimum is 2 s
 * @param requestTimeout the members' request deadline
 * @param warmUp the workload runs this long before the fault
 * @param hold how long a pause or a partition lasts: three leases, so that etcd certainly expires it
 * @param etcdOutage how long etcd stays down
 * @param settleLimit the most the harness waits, after healing, for every ring to list every live member
 * @param afterHeal the workload runs this long after the rings settle
 * @param checkBudget the checker's time per key before it calls a key undecided
 */
record Timing(Duration leaseTtl, Duration requestTimeout, Duration warmUp, Duration hold, Duration etcdOutage,
    Duration settleLimit, Duration afterHeal, Duration checkBudget) {

  /** The test command's run: a few tens of seconds per scenario. */
  static Timing quick() {
    Duration ttl = Duration.ofSeconds(2);
    return new Timing(ttl, Duration.ofSeconds(3), Duration.ofSeconds(4), ttl.multipliedBy(3), Duration.ofSeconds(6),
        Duration.ofSeconds(30), Duration.ofSeconds(4), Duration.ofSeconds(5));
  }

  /** scripts/chaos.sh's run: longer phases and the 15 s etcd outage. */
  static Timing full() {
    Duration ttl = Duration.ofSeconds(2);
    return new Timing(ttl, Duration.ofSeconds(3), Duration.ofSeconds(10), ttl.multipliedBy(3), Duration.ofSeconds(15),
        Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(20));
  }
}
