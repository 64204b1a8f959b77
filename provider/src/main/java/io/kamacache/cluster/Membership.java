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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.cache.CacheException;

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
 *
 * <p>A registration is created only where none exists (an etcd transaction on the key's version),
 * so a second process started with the same id cannot take this member's positions: it waits at
 * most one TTL for a registration left by a process that died, then refuses to start. The one
 * registration a member may replace is its own previous incarnation's, exactly as it read it.
 * Keys under the members prefix that no member could have written (without a lease, with an
 * incarnation that is not their lease, or with a value that is not a registration) stay out of
 * the ring, with a warning.
 */
final class Membership implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Membership.class.getName());
  /** The smallest part of the TTL a proof leaves unused, for etcd's own delay in renewing a lease. */
  private static final long MIN_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  /** What {@link ClusterConfig} allows as a member id; any other key under the members prefix is not a member. */
  private static final java.util.regex.Pattern MEMBER_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]+");

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
  /** Keys under the members prefix kept out of the ring, with the revision last warned about: one warning per write. */
  private final Map<String, Long> ignored = new ConcurrentHashMap<>();

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
      onRegistered.run();
      refresh(); // the new incarnation's view must show it before it may serve
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

  private void rebuild(Map<String, PrefixView.Entry> members, long revision) {
    if (frozen && !refreshing.get()) {
      return;
    }
    List<HashRing.Member> list = new ArrayList<>();
    for (Map.Entry<String, PrefixView.Entry> entry : members.entrySet()) {
      HashRing.Member member = admitted(entry.getKey(), entry.getValue());
      if (member != null) {
        list.add(member);
      }
    }
    ignored.keySet().retainAll(members.keySet());
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

  /**
   * The member a key under the members prefix registers, or null if no member could have written
   * it: without a lease (it would never go), under an id no member may have, with a value that is
   * not {@code address=host:port;incarnation=<its lease in hex>}. Each write of such a key is
   * warned about once.
   */
  private HashRing.Member admitted(String id, PrefixView.Entry entry) {
    String why;
    if (entry.lease() == 0) {
      why = "it was written without a lease, so it would never expire, and members always register under theirs";
    } else if (!MEMBER_ID.matcher(id).matches()) {
      why = "'" + id + "' is not a member id";
    } else {
      HashRing.Member member = HashRing.Member.parse(id, entry.text());
      if (member == null || !hostAndPort(member.address())) {
        why = "its value is not address=host:port;incarnation=<lease>";
      } else if (!member.incarnation().equals(Long.toHexString(entry.lease()))) {
        why = "its incarnation '" + member.incarnation() + "' is not the lease it was written under ("
            + Long.toHexString(entry.lease()) + ")";
      } else {
        return member;
      }
    }
    Long warned = ignored.put(id, entry.modRevision());
    if (warned == null || warned != entry.modRevision()) {
      String value = entry.text();
      LOG.log(System.Logger.Level.WARNING, "ignoring etcd key {0}{1} (revision {2}, value ''{3}''): {4}. It stays out"
          + " of the ring; only KamaCache members should write under this prefix", memberKey.substring(0,
          memberKey.length() - config.memberId.length()), id, String.valueOf(entry.modRevision()),
          value.length() > 200 ? value.substring(0, 200) + "..." : value, why);
    }
    return null;
  }

  private static boolean hostAndPort(String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1 || address.chars().anyMatch(c -> c <= ' ' || c == ';')) {
      return false;
    }
    try {
      int port = Integer.parseInt(address.substring(colon + 1));
      return port > 0 && port <= 65535;
    } catch (NumberFormatException e) {
      return false;
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
        // A member writes its mark under a lease of its own; one without would say so forever.
        if (mark.getLease() != 0 && mark.getValue().toString(StandardCharsets.UTF_8).equals(incarnations.get(id))) {
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
