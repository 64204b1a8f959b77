package io.kamacache.cluster;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.cache.CacheException;

/**
 * This member's registration in etcd under its lease, and the proof that the lease is alive.
 *
 * <p>The member registers {@code /<prefix>/<cluster>/members/<id>} under a lease and keeps the
 * lease alive every TTL/4. Each keepalive etcd answers proves the lease alive until the moment it
 * was <em>sent</em> plus the TTL, since etcd counts the TTL from when it receives it; the member
 * serves its keys only before that moment less a safety margin ({@link #leaseProven}). So a member
 * cut off from etcd, or paused, stops serving before etcd can hand its keys to anyone else.
 *
 * <p>A member whose lease is gone, or whose registration disappeared, comes back as a new
 * incarnation under a new lease ({@code onLost}): other members may have served its keys
 * meanwhile, so what it held is only a candidate against what they hand it. The incarnation is
 * part of the registration, so every view tells the two apart.
 *
 * <p>A registration is created only where none exists (an etcd transaction on the key's version),
 * so a second process started with the same id cannot take this member's positions: it waits at
 * most one TTL for a registration left by a process that died, then refuses to start. The one
 * registration a member may replace is its own previous incarnation's, exactly as it read it.
 */
final class Registration implements AutoCloseable {

  /**
   * Logs under {@link Membership}'s name, as before it was split off, so operators' log settings still
   * apply; the name is spelled out because a class literal would make this class depend on it.
   */
  private static final System.Logger LOG = System.getLogger("io.kamacache.cluster.Membership");
  /** The smallest part of the TTL a proof leaves unused, for etcd's own delay in renewing a lease. */
  private static final long MIN_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /**
   * The client for the lease alone (grant, keepalive, registration, revoke), apart from the one
   * that watches: when etcd comes back after an outage, a channel waiting out gRPC's reconnection
   * backoff can take many seconds to try again, longer than the lease lives. So a member that has
   * lost its proof makes a new lease client, which connects at once, at most once a TTL.
   */
  private volatile Client leases;
  /** Sends the keepalives themselves; see {@link LeaseKeeper} for why not through jetcd. */
  private final LeaseKeeper keeper;
  private final Supplier<Client> newClient;
  private volatile long leasesMadeAt = System.nanoTime();
  private final ClusterConfig config;
  private final String memberKey;
  /** Where a member that leaves gracefully says so, with its incarnation, for two TTLs. */
  private final String leftPrefix;
  private final String address;
  private final ScheduledExecutorService scheduler;
  private final Runnable onLost;
  /** Runs after this member registered again as a new incarnation, whose view must then show it. */
  private final Runnable onRegisteredAgain;
  private final long ttlNanos;
  /** A fifth of the TTL: etcd's own delay in expiring a lease, and clock drift between us, stay well inside it. */
  private final long marginNanos;
  private volatile long leaseId;
  /** The etcd revision of this incarnation's registration; a view older than it may not show it. */
  private volatile long registeredAt;
  /** {@code System.nanoTime()} until which the lease is certainly alive; 0 when it is not proven. */
  private volatile long provenUntil;
  private volatile boolean leaving;
  private ScheduledFuture<?> keepAlive;
  /** When the lease was last renewed or granted; touched by the keepalive thread, and by join before it starts. */
  private long lastKeepAlive;

  Registration(Supplier<Client> newClient, ClusterConfig config, String address, ScheduledExecutorService scheduler,
      Runnable onLost, Runnable onRegisteredAgain) {
    this.newClient = newClient;
    this.leases = newClient.get();
    this.keeper = new LeaseKeeper(config);
    this.config = config;
    this.address = address;
    this.scheduler = scheduler;
    this.onLost = onLost;
    this.onRegisteredAgain = onRegisteredAgain;
    String members = config.etcdKey("members/");
    this.memberKey = members + config.memberId;
    this.leftPrefix = leftPrefix(config);
    this.ttlNanos = config.leaseTtl.toNanos();
    this.marginNanos = Math.max(MIN_MARGIN_NANOS, ttlNanos / 5);
  }

  /** Where members that leave on purpose say so, each under its id. */
  static String leftPrefix(ClusterConfig config) {
    return config.etcdKey("left/");
  }

  /** Takes a lease and registers (a client only takes the lease, for what it announces), then keeps it alive. */
  void start() throws Exception {
    register();
    long period = Math.max(1, TimeUnit.NANOSECONDS.toMillis(keepAlivePeriod()));
    keepAlive = scheduler.scheduleWithFixedDelay(this::keepAlive, period, period, TimeUnit.MILLISECONDS);
  }

  long leaseId() {
    return leaseId;
  }

  /** This incarnation's name in the members' views: its lease, in hex. */
  String incarnation() {
    return Long.toHexString(leaseId);
  }

  /** Whether this member's lease is certainly alive now, so that it may serve the keys it owns. */
  boolean leaseProven() {
    long until = provenUntil;
    return until != 0 && until - System.nanoTime() > 0;
  }
  /**
   * Whether a view of the members read at {@code revision} must show this incarnation: it is a
   * member, registered and proven, not leaving, and the view is no older than its registration.
   */
  boolean mustAppearIn(long revision) {
    return config.role == ClusterConfig.Role.MEMBER && !leaving && provenUntil != 0 && revision >= registeredAt;
  }

  private void register() throws Exception {
    long timeout = config.timeout.toMillis();
    if (config.role == ClusterConfig.Role.MEMBER && leaseId == 0) {
      awaitDeadRegistration(timeout);
    }
    long sent = System.nanoTime();
    long lease = leases.getLeaseClient().grant(config.leaseTtl.toSeconds()).get(timeout, TimeUnit.MILLISECONDS).getID();
    long revision = 0;
    if (config.role == ClusterConfig.Role.MEMBER) {
      String value = "address=" + address + ";incarnation=" + Long.toHexString(lease);
      try {
        revision = claim(lease, value, timeout);
      } catch (Exception e) {
        try {
          leases.getLeaseClient().revoke(lease).get(timeout, TimeUnit.MILLISECONDS);
        } catch (Exception revoking) {
          LOG.log(System.Logger.Level.DEBUG, "revoking an unused lease failed; it will expire: {0}", revoking.toString());
        }
        throw e;
      }
    }
    boolean again = leaseId != 0;
    synchronized (this) {
      leaseId = lease;
      registeredAt = revision;
      provenUntil = sent + ttlNanos - marginNanos;
      lastKeepAlive = sent; // the grant renews the lease too: the first keepalive is late after it as well
    }
    if (again) {
      onRegisteredAgain.run(); // the new incarnation's view must show it before it may serve
    }
    if (config.role == ClusterConfig.Role.MEMBER) {
      LOG.log(System.Logger.Level.INFO, "member {0} registered at {1} with lease {2}", config.memberId, address,
          Long.toHexString(lease));
    }
  }

  /**
   * At start, a registration of this id under a lease that still runs may be one that a process
   * with this id left when it died: waits for that lease to run out (at most one TTL and a little),
   * so that a member started again right after a crash can join. A process that is alive keeps its
   * lease, its registration stays, and {@link #claim} refuses. Done before this member takes its
   * own lease, which nothing renews until it has registered.
   */
  private void awaitDeadRegistration(long timeout) throws Exception {
    KeyValue holder = registration(timeout);
    if (holder == null || holder.getLease() == 0) {
      return;
    }
    long left = leases.getLeaseClient().timeToLive(holder.getLease(), LeaseOption.DEFAULT)
        .get(timeout, TimeUnit.MILLISECONDS).getTTL();
    // etcd reports whole seconds left, and removes the keys of an expired lease a little after.
    long waitNanos = TimeUnit.SECONDS.toNanos(Math.min(Math.max(left, 0), config.leaseTtl.toSeconds()) + 2);
    long until = System.nanoTime() + waitNanos;
    LOG.log(System.Logger.Level.INFO, "member id {0} is registered at {1} under lease {2}; waiting up to {3} s in"
        + " case that is a process with this id that has died and whose lease has yet to run out", config.memberId,
        registeredAddress(holder), Long.toHexString(holder.getLease()), TimeUnit.NANOSECONDS.toSeconds(waitNanos));
    while (until - System.nanoTime() > 0) {
      Thread.sleep(100);
      KeyValue now = registration(timeout);
      if (now == null || now.getModRevision() != holder.getModRevision()) {
        return;
      }
    }
  }

  private KeyValue registration(long timeout) throws Exception {
    List<KeyValue> found = leases.getKVClient().get(PrefixView.bytes(memberKey)).get(timeout, TimeUnit.MILLISECONDS)
        .getKvs();
    return found.isEmpty() ? null : found.get(0);
  }

  /**
   * Writes this incarnation's registration under {@code lease} if the id is free, and returns the
   * revision of the write. The id is free when no key holds it, or when the key is this member's
   * own previous registration (its lease could not be revoked), which is then replaced exactly as
   * read. Otherwise another process holds the id: at start this member refuses to start; once
   * running, it stays out of the ring and tries again at every keepalive.
   *
   * @throws CacheException naming the id, the address registered under it, and what to do
   */
  private long claim(long lease, String value, long timeout) throws Exception {
    ByteSequence key = PrefixView.bytes(memberKey);
    Op write = Op.put(key, PrefixView.bytes(value), PutOption.builder().withLeaseId(lease).build());
    long previous = leaseId;
    while (true) {
      TxnResponse created = leases.getKVClient().txn()
          .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
          .Then(write)
          .Else(Op.get(key, GetOption.DEFAULT))
          .commit().get(timeout, TimeUnit.MILLISECONDS);
      if (created.isSucceeded()) {
        return created.getHeader().getRevision();
      }
      List<KeyValue> found = created.getGetResponses().isEmpty() ? List.of()
          : created.getGetResponses().get(0).getKvs();
      if (found.isEmpty()) {
        continue; // cannot happen in one transaction; if it does, the key is gone: try again
      }
      KeyValue holder = found.get(0);
      if (previous == 0 || holder.getLease() != previous) {
        throw duplicate(holder);
      }
      TxnResponse replaced = leases.getKVClient().txn()
          .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(holder.getModRevision())))
          .Then(write)
          .commit().get(timeout, TimeUnit.MILLISECONDS);
      if (replaced.isSucceeded()) {
        return replaced.getHeader().getRevision();
      }
    }
  }

  private CacheException duplicate(KeyValue holder) {
    if (holder.getLease() == 0) {
      return new CacheException("member id '" + config.memberId + "' cannot register in cluster '" + config.cluster
          + "': etcd key " + memberKey + " already exists and was written without a lease (value '"
          + registeredAddress(holder) + "'). KamaCache members always register under their lease, so something"
          + " else with write access to etcd wrote it, and it will never expire. Find out who did, then delete it"
          + " (etcdctl del " + memberKey + ") and start this member again.");
    }
    return new CacheException("member id '" + config.memberId + "' is already registered in cluster '"
        + config.cluster + "' by another process, at " + registeredAddress(holder) + " (lease "
        + Long.toHexString(holder.getLease()) + ", etcd key " + memberKey + "); a second member with the same id"
        + " would take over its keys, so this one " + (leaseId == 0 ? "refuses to start" : "stays out of the ring,"
        + " trying again at every keepalive") + ". Stop the other process, or give this one another "
        + ClusterConfig.MEMBER_ID + ". A process that died leaves its registration until its lease expires ("
        + ClusterConfig.LEASE_TTL + " after its last keepalive); then this one can start.");
  }

  /** The address in a registration found in etcd, or its raw value, shortened, if it has none. */
  private static String registeredAddress(KeyValue kv) {
    String text = kv.getValue().toString(StandardCharsets.UTF_8);
    HashRing.Member member = HashRing.Member.parse("", text);
    if (member != null) {
      return member.address();
    }
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  /**
   * A quarter of the TTL. The proof from a keepalive lasts TTL minus the margin from its sending,
   * so the next answer must arrive within that less the period: with a third (etcd's own clients'
   * choice) that left under a second at a 2 s TTL, which a busy 2-core machine sometimes used up.
   */
  private long keepAlivePeriod() {
    return ttlNanos / 4;
  }

  /**
   * Sends one keepalive without waiting for it: a slow answer must not hold up the next one, and
   * an answer however late still proves the lease from the moment its request was sent.
   */
  private void keepAlive() {
    if (leaving) {
      return;
    }
    long lease = leaseId;
    if (lease == 0 || provenUntil == 0) {
      lost(lease, "the previous attempt to register again failed");
      return;
    }
    long sent = System.nanoTime();
    long period = keepAlivePeriod();
    if (lastKeepAlive != 0 && sent - lastKeepAlive > 2 * period) {
      // A lease that lapses for this reason is the member's own doing: say so, for the operator.
      LOG.log(System.Logger.Level.WARNING, "member {0} sent its lease keepalive {1} ms late (a long GC pause or a"
          + " starved CPU?); with a TTL of {2} ms the lease may lapse", config.memberId,
          TimeUnit.NANOSECONDS.toMillis(sent - lastKeepAlive - period), TimeUnit.NANOSECONDS.toMillis(ttlNanos));
    }
    lastKeepAlive = sent;
    keeper.keepAlive(lease, ttlNanos).whenComplete((ttl, error) -> {
      if (error != null) {
        LOG.log(System.Logger.Level.WARNING, "lease keepalive failed; serving only while the lease is proven: {0}",
            error.toString());
        scheduler.execute(this::reconnectIfUnproven);
      } else if (ttl <= 0) {
        scheduler.execute(() -> lost(lease, "etcd says the lease has expired or is gone"));
      } else {
        long took = System.nanoTime() - sent;
        if (took > period) {
          LOG.log(System.Logger.Level.WARNING, "etcd answered member {0}''s lease keepalive after {1} ms",
              config.memberId, TimeUnit.NANOSECONDS.toMillis(took));
        }
        proven(lease, sent + TimeUnit.SECONDS.toNanos(ttl) - marginNanos);
      }
    });
  }

  /**
   * The client the lease is kept through: made again whenever the proof runs out (see
   * {@link #reconnectIfUnproven}), so it is connected whenever the lease is proven.
   */
  Client etcd() {
    return leases;
  }

  /** Makes new lease clients once the proof has run out, at most once a TTL; see {@link #leases}. */
  private void reconnectIfUnproven() {
    if (leaving || leaseProven() || System.nanoTime() - leasesMadeAt < ttlNanos) {
      return;
    }
    Client old = leases;
    leases = newClient.get();
    leasesMadeAt = System.nanoTime();
    old.close();
    keeper.reconnect();
    LOG.log(System.Logger.Level.INFO, "member {0} reconnects to etcd to keep its lease", config.memberId);
  }

  private synchronized void proven(long lease, long until) {
    if (leaseId == lease && provenUntil != 0 && until - provenUntil > 0) {
      provenUntil = until;
    }
  }

  /** Stops serving at once, forgets what this incarnation held, and registers as a new one. */
  void lost(long lease, String why) {
    long old;
    synchronized (this) {
      if (leaving || leaseId != lease) {
        return; // already registered again since
      }
      provenUntil = 0;
      old = leaseId;
    }
    LOG.log(System.Logger.Level.WARNING, "member {0} lost its registration ({1}); registering again as a new "
        + "incarnation, which serves nothing until it has caught up with the others", config.memberId, why);
    onLost.run();
    try {
      if (old != 0) {
        leases.getLeaseClient().revoke(old).get(config.timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (Exception e) {
      LOG.log(System.Logger.Level.DEBUG, "revoking the old lease failed: {0}", e.toString());
    }
    try {
      register();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "registering again failed; will retry: {0}", e.toString());
    }
  }

  /**
   * Leaves: stops the keepalive, says that this incarnation left on purpose (after handing
   * everything over), and revokes the lease, which removes us from every ring at once.
   */
  void leave() {
    if (leaving) {
      return; // a drained member leaves again when it closes: once is enough
    }
    leaving = true;
    if (keepAlive != null) {
      keepAlive.cancel(false);
    }
    provenUntil = 0;
    if (leaseId != 0 && config.role == ClusterConfig.Role.MEMBER) {
      markLeft();
    }
    if (leaseId != 0) {
      try {
        leases.getLeaseClient().revoke(leaseId).get(config.timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "revoking the lease failed; it will expire: {0}", e.toString());
      }
    }
  }

  /**
   * Written before the lease is revoked, so whoever sees this member gone and then reads the marks
   * finds it: members that see several others vanish at once wait only for those that did not say
   * they left ({@link Barrier}). The mark lives two TTLs, under a lease of its own.
   */
  private void markLeft() {
    long timeout = config.timeout.toMillis();
    try {
      long mark = leases.getLeaseClient().grant(2 * config.leaseTtl.toSeconds()).get(timeout, TimeUnit.MILLISECONDS).getID();
      leases.getKVClient().put(PrefixView.bytes(leftPrefix + config.memberId), PrefixView.bytes(incarnation()),
          PutOption.builder().withLeaseId(mark).build()).get(timeout, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "could not record that member {0} leaves on purpose; members that see"
          + " others leave at the same moment may wait up to two lease TTLs: {1}", config.memberId, e.toString());
    }
  }

  @Override
  public void close() {
    leases.close();
    keeper.close();
  }
}
