package io.kamacache.cluster;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * This member's registration in etcd, the proof that it is still alive, and its view of everyone
 * else's.
 *
 * <p>The member registers {@code /<prefix>/<cluster>/members/<id>} under a lease and keeps the
 * lease alive every TTL/4. Each keepalive etcd answers proves the lease alive until the moment it
 * was <em>sent</em> plus the TTL, since etcd counts the TTL from when it receives it; the member
 * serves its keys only before that moment less a safety margin ({@link #leaseProven}). So a member
 * cut off from etcd, or paused, stops serving before etcd can hand its keys to anyone else.
 *
 * <p>A member whose lease is gone, or whose registration disappeared, comes back as a new
 * incarnation under a new lease ({@code onLost}): other members may have served its keys
 * meanwhile, so what it held is only a candidate against what they hand it. The incarnation is part of the registration, so every
 * view tells the two apart. The ring is rebuilt from the members prefix on every change and
 * swapped in whole.
 */
final class Membership implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Membership.class.getName());
  /** The smallest part of the TTL a proof leaves unused, for etcd's own delay in renewing a lease. */
  private static final long MIN_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final Client client;
  /**
   * The client for the lease alone (grant, keepalive, registration, revoke), apart from the one
   * that watches: when etcd comes back after an outage, a channel waiting out gRPC's reconnection
   * backoff can take many seconds to try again, longer than the lease lives. So a member that has
   * lost its proof makes a new lease client, which connects at once, at most once a TTL.
   */
  private volatile Client leases;
  /** Sends the keepalives themselves; see {@link LeaseKeeper} for why not through jetcd. */
  private final LeaseKeeper keeper;
  private final java.util.function.Supplier<Client> newClient;
  private volatile long leasesMadeAt = System.nanoTime();
  private final ClusterConfig config;
  private final String memberKey;
  /** Where a member that leaves gracefully says so, with its incarnation, for two TTLs. */
  private final String leftPrefix;
  private final String address;
  private final ScheduledExecutorService scheduler;
  private final Consumer<HashRing> onRing;
  private final Runnable onLost;
  private final Runnable onRegistered;
  private final PrefixView view;
  private final AtomicReference<HashRing> ring;
  private final long ttlNanos;
  /** A fifth of the TTL: etcd's own delay in expiring a lease, and clock drift between us, stay well inside it. */
  private final long marginNanos;
  private volatile long leaseId;
  /** The etcd revision of this incarnation's registration; a view older than it may not show it. */
  private volatile long registeredAt;
  /** {@code System.nanoTime()} until which the lease is certainly alive; 0 when it is not proven. */
  private volatile long provenUntil;
  private volatile boolean leaving;
  /** The newest etcd revision this member has read the members at; requests carry it as their epoch. */
  private volatile long revision;
  private ScheduledFuture<?> keepAlive;
  /** When the lease was last renewed or granted; touched by the keepalive thread, and by join before it starts. */
  private long lastKeepAlive;

  Membership(Client client, java.util.function.Supplier<Client> newClient, ClusterConfig config, String address,
      ScheduledExecutorService scheduler,
      Consumer<HashRing> onRing, Runnable onLost, Runnable onRegistered) {
    this.client = client;
    this.newClient = newClient;
    this.leases = newClient.get();
    this.keeper = new LeaseKeeper(config);
    this.config = config;
    this.address = address;
    this.scheduler = scheduler;
    this.onRing = onRing;
    this.onLost = onLost;
    this.onRegistered = onRegistered;
    String members = "/" + config.prefix + "/" + config.cluster + "/members/";
    this.memberKey = members + config.memberId;
    this.leftPrefix = "/" + config.prefix + "/" + config.cluster + "/left/";
    this.ttlNanos = config.leaseTtl.toNanos();
    this.marginNanos = Math.max(MIN_MARGIN_NANOS, ttlNanos / 5);
    this.ring = new AtomicReference<>(new HashRing(0, List.of(), config.virtualNodes));
    this.view = new PrefixView(client, members, this::rebuild);
  }

  /**
   * Takes a lease and registers (a client only takes the lease, for what it announces), then
   * starts watching; returns once the ring is known.
   */
  void join() throws Exception {
    register();
    long period = Math.max(1, TimeUnit.NANOSECONDS.toMillis(keepAlivePeriod()));
    keepAlive = scheduler.scheduleWithFixedDelay(this::keepAlive, period, period, TimeUnit.MILLISECONDS);
    view.start(config.timeout.toMillis());
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

  private void register() throws Exception {
    long timeout = config.timeout.toMillis();
    long sent = System.nanoTime();
    long lease = leases.getLeaseClient().grant(config.leaseTtl.toSeconds()).get(timeout, TimeUnit.MILLISECONDS).getID();
    long revision = 0;
    if (config.role == ClusterConfig.Role.MEMBER) {
      String value = "address=" + address + ";incarnation=" + Long.toHexString(lease);
      revision = leases.getKVClient().put(PrefixView.bytes(memberKey), PrefixView.bytes(value),
          PutOption.builder().withLeaseId(lease).build()).get(timeout, TimeUnit.MILLISECONDS).getHeader().getRevision();
    }
    boolean again = leaseId != 0;
    synchronized (this) {
      leaseId = lease;
      registeredAt = revision;
      provenUntil = sent + ttlNanos - marginNanos;
      lastKeepAlive = sent; // the grant renews the lease too: the first keepalive is late after it as well
    }
    if (again) {
      onRegistered.run();
      refresh(); // the new incarnation's view must show it before it may serve
    }
    if (config.role == ClusterConfig.Role.MEMBER) {
      LOG.log(System.Logger.Level.INFO, "member {0} registered at {1} with lease {2}", config.memberId, address,
          Long.toHexString(lease));
    }
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
  private void lost(long lease, String why) {
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
   * Set by tests that need this member's view out of step with the others': its watch is ignored,
   * as if it lagged, but an explicit {@link #refresh} (a caller or a barrier asking it to catch
   * up) still reads the members.
   */
  private volatile boolean frozen;
  private final ThreadLocal<Boolean> refreshing = ThreadLocal.withInitial(() -> false);
  private final java.util.concurrent.locks.ReentrantLock refreshes = new java.util.concurrent.locks.ReentrantLock();
  /** When the latest read of the members started. Guarded by {@link #refreshes}. */
  private long lastRefresh = System.nanoTime();

  void freezeView(boolean frozen) {
    this.frozen = frozen;
  }

  private void rebuild(Map<String, byte[]> members, long revision) {
    if (frozen && !refreshing.get()) {
      return;
    }
    List<HashRing.Member> list = new ArrayList<>();
    for (Map.Entry<String, byte[]> entry : members.entrySet()) {
      HashRing.Member member = HashRing.Member.parse(entry.getKey(), new String(entry.getValue(), StandardCharsets.UTF_8));
      if (member != null) {
        list.add(member);
      }
    }
    synchronized (this) {
      this.revision = Math.max(this.revision, revision);
    }
    HashRing next = new HashRing(revision, list, config.virtualNodes);
    if (next.view().equals(ring.get().view()) && !ring.get().isEmpty()) {
      // The same members: keep the ring, so that claims on it and its settled barrier still hold.
      next = ring.get();
    } else {
      ring.set(next);
      onRing.accept(next);
    }
    if (config.role == ClusterConfig.Role.MEMBER && !leaving && provenUntil != 0 && revision >= registeredAt) {
      HashRing.Member self = next.members().get(config.memberId);
      if (self == null || !self.incarnation().equals(incarnation())) {
        // Someone removed or replaced our registration while our lease lives: others no longer
        // count us, so we must not serve, and we come back as a new incarnation.
        scheduler.execute(() -> {
          HashRing now = ring.get();
          HashRing.Member me = now.members().get(config.memberId);
          if (revision() >= registeredAt && (me == null || !me.incarnation().equals(incarnation()))) {
            lost(leaseId, "its registration is gone from etcd: its lease expired, or someone removed it");
          }
        });
      }
    }
  }

  HashRing ring() {
    return ring.get();
  }

  /** The newest etcd revision the members were read at: at least the ring's epoch. */
  long revision() {
    return revision;
  }

  /** Reads the members again from etcd; a caller told NOT_OWNER uses it to catch up. */
  void refresh() {
    refresh(config.timeout.toMillis());
  }

  /** As {@link #refresh()}, waiting at most {@code timeoutMillis} for etcd and for a read under way. */
  void refresh(long timeoutMillis) {
    long called = System.nanoTime();
    try {
      if (!refreshes.tryLock(timeoutMillis, TimeUnit.MILLISECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      // One read at a time: a read that started after this call was made answers it too.
      if (lastRefresh - called > 0) {
        return;
      }
      lastRefresh = System.nanoTime();
      refreshing.set(true);
      long left = timeoutMillis - TimeUnit.NANOSECONDS.toMillis(lastRefresh - called);
      view.reread(Math.max(1, left));
    } catch (Exception e) {
      LOG.log(System.Logger.Level.DEBUG, "refreshing the members failed: {0}", e.toString());
    } finally {
      refreshing.set(false);
      refreshes.unlock();
    }
  }

  /**
   * Reads the members again unless this member has already read them at {@code epoch} or later;
   * returns whether it has now.
   */
  boolean catchUp(long epoch, long timeoutMillis) {
    if (revision < epoch) {
      refresh(timeoutMillis);
    }
    return revision >= epoch;
  }

  /**
   * Leaves: stops the keepalive, says that this incarnation left on purpose (after handing
   * everything over), and revokes the lease, which removes us from every ring at once.
   */
  void leave() {
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

  /**
   * Of these members (id to incarnation), the ones whose incarnation left on purpose, having
   * handed everything over. Empty if etcd cannot say, which makes the caller wait: the safe side.
   */
  Set<String> leftOnPurpose(Map<String, String> incarnations) {
    Set<String> left = new HashSet<>();
    try {
      List<KeyValue> marks = client.getKVClient().get(PrefixView.bytes(leftPrefix),
          GetOption.builder().isPrefix(true).build()).get(config.timeout.toMillis(), TimeUnit.MILLISECONDS).getKvs();
      for (KeyValue mark : marks) {
        String id = mark.getKey().toString(StandardCharsets.UTF_8).substring(leftPrefix.length());
        if (mark.getValue().toString(StandardCharsets.UTF_8).equals(incarnations.get(id))) {
          left.add(id);
        }
      }
    } catch (Exception e) {
      LOG.log(System.Logger.Level.DEBUG, "reading which members left on purpose failed: {0}", e.toString());
    }
    return left;
  }

  @Override
  public void close() {
    view.close();
    leases.close();
    keeper.close();
  }
}
