package io.kamacache.chaos.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The faults, one per run. Each injects its fault into a running cluster and heals it; the run
 * around it (start, workload, settling, final reads, checks) is the same for all.
 */
enum Scenario {

  /** SIGKILL one member; it owned about a third of the keys, and its lease has to expire. */
  KILL_OWNER(false) {
    @Override
    void inject(Fault fault) {
      MemberJvm victim = fault.victim();
      fault.event("SIGKILL " + victim);
      victim.kill();
      fault.cluster().forget(victim);
    }
  },

  /** SIGSTOP one member past three leases, then SIGCONT: it wakes up believing it still owns its keys. */
  PAUSE_MEMBER(false) {
    @Override
    void inject(Fault fault) {
      MemberJvm victim = fault.victim();
      fault.event("SIGSTOP " + victim);
      victim.pause();
      fault.hold(fault.timing().hold());
      fault.event("SIGCONT " + victim);
      victim.resume();
    }
  },

  /** SIGKILL etcd, and start it again on the same address and data after the outage. */
  ETCD_OUTAGE(false) {
    @Override
    void inject(Fault fault) {
      fault.event("SIGKILL etcd");
      fault.cluster().etcd().kill();
      fault.hold(fault.timing().etcdOutage());
      fault.event("restart etcd");
      fault.cluster().etcd().start();
      fault.event("etcd ready");
    }
  },

  /** Cut one member from etcd and from the other members past three leases, then heal the link. */
  PARTITION(true) {
    @Override
    void inject(Fault fault) {
      MemberJvm victim = fault.victim();
      fault.event("cut " + victim);
      fault.cluster().netns().cut(victim.id());
      try {
        fault.hold(fault.timing().hold());
      } finally {
        fault.event("heal " + victim);
        fault.cluster().netns().heal(victim.id());
      }
    }
  },

  /** SIGTERM one member (a graceful leave), then a new member joins. */
  LEAVE_JOIN(false) {
    @Override
    void inject(Fault fault) {
      MemberJvm victim = fault.victim();
      fault.event("SIGTERM " + victim);
      fault.cluster().forget(victim);
      if (!victim.terminate(LEAVE_LIMIT)) {
        throw new IllegalStateException(victim + " did not leave within " + LEAVE_LIMIT);
      }
      fault.event("left " + victim);
      fault.hold(fault.timing().leaseTtl());
      MemberJvm joiner = fault.cluster().startMember(fault.cluster().newMemberId());
      joiner.go();
      fault.event("joined " + joiner);
    }
  },

  /** SIGTERM and restart every member in turn, each back in every ring before the next goes. */
  ROLLING_RESTART(false) {
    @Override
    void inject(Fault fault) {
      for (MemberJvm member : new ArrayList<>(fault.cluster().members())) {
        fault.event("SIGTERM " + member);
        fault.cluster().forget(member);
        if (!member.terminate(LEAVE_LIMIT)) {
          throw new IllegalStateException(member + " did not leave within " + LEAVE_LIMIT);
        }
        MemberJvm restarted = fault.cluster().startMember(member.id());
        Duration settled = fault.cluster().awaitRings(fault.cluster().members(), fault.timing().settleLimit());
        fault.event("restarted " + restarted + (settled == null ? "; rings did not settle" : "; rings settled in "
            + settled.toMillis() + " ms"));
        restarted.go();
      }
    }
  };

  /** A graceful leave hands off data and waits for in-flight calls: seconds, not a minute. */
  static final Duration LEAVE_LIMIT = Duration.ofSeconds(60);

  private final boolean namespaces;

  Scenario(boolean namespaces) {
    this.namespaces = namespaces;
  }

  /** Injects the fault and heals it. */
  abstract void inject(Fault fault);

  /** Whether every process must run in its own network namespace. */
  boolean namespaces() {
    return namespaces;
  }

  /** The name on the command line and in the table: {@code kill-owner}. */
  String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static Scenario byId(String id) {
    for (Scenario scenario : values()) {
      if (scenario.id().equals(id.trim())) {
        return scenario;
      }
    }
    throw new IllegalArgumentException("unknown scenario '" + id + "'; known: " + ids());
  }

  static List<String> ids() {
    return Arrays.stream(values()).map(Scenario::id).toList();
  }
}
