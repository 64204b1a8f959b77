package io.kamacache.cluster;

import io.etcd.jetcd.Client;
import io.kamacache.codec.WireCodec;
import io.kamacache.event.EventDispatcher;
import io.kamacache.group.CacheOperations;
import io.kamacache.group.Group;
import io.kamacache.management.CacheStatistics;
import io.kamacache.transport.Awaiting;
import io.kamacache.transport.PeerAuthentication;
import io.kamacache.transport.PeerCalls;
import io.kamacache.transport.PeerChannels;
import io.kamacache.transport.PeerServer;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import javax.cache.configuration.CompleteConfiguration;

/**
 * One cache manager's membership in a cluster, as the manager and the node's own parts see it:
 * it builds and joins the parts (etcd client, {@link Membership}, {@link CacheDefinitions}, the
 * gRPC server and the channels to the other members), passes membership changes on to them, and
 * closes them in the order a graceful leave needs.
 */
public final class ClusterNode implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ClusterNode.class.getName());

  private final ClusterConfig config;
  private final CacheHost host;
  private final WireCodec codec;
  private final Client client;
  private final ClusterMetrics metrics;
  private final ClusterBean bean;
  private final ScheduledExecutorService scheduler;
  /** Watches the deadlines of requests on get and write streams, which have no per-call deadline of their own. */
  private final ScheduledExecutorService deadlines;
  /** Batchers with a get stream open, closed with this node so that the channels can close. */
  private final Set<GetBatcher> streaming = ConcurrentHashMap.newKeySet();
  private final PeerService peerService;
  /** Runs callers' operations that cannot run on a transport thread; bounded, see PeerService. */
  private final ExecutorService handlers;
  /** Runs what only members send (backups, handoffs, barriers, events), apart from callers' operations. */
  private final ExecutorService memberCalls;
  private final PeerStubs stubs;
  private final PeerServer server;
  private final Membership membership;
  private final Rebalancer rebalancer;
  /** Runs membership barriers, which wait on other members, apart from the keepalive's thread. */
  private final ScheduledExecutorService barriers;
  /** Sends what need not hold up any caller: expiry times that reads moved, to the backups. */
  private final ScheduledExecutorService background;
  private final Barrier barrier;
  private final Ownership ownership;
  /** The key locks this member grants as an owner, for entry processors that run on their callers. */
  private final KeyLocks keyLocks;
  private final ListenerRelay listeners;
  private final CacheDefinitions definitions;
  /** Asks the other members to re-read what this one wrote to etcd. */
  private final ViewRefreshes refreshes;
  /** What every part uses to reach the other members. */
  private final Peers peers;
  /** This member's caches, their near caches, and whether the node is open. */
  private final LocalCaches caches;
  private final NearInvalidations invalidations;
  private final String address;
  /** This node's {@link MemberState}, and its drain. */
  private final Lifecycle lifecycle;

  private ClusterNode(ClusterConfig config, CacheHost host, MemberViews views) throws Exception {
    this.config = config;
    this.host = host;
    this.metrics = new ClusterMetrics(config.memberId);
    this.codec = new WireCodec(config.serializationAllow, config.serializationMaxDepth, config.maxMessageBytes,
        config.serializationMaxHashWork);
    this.client = EtcdClients.connect(config);
    byte[] secret;
    try {
      secret = ClusterSecret.readOrCreate(client, config);
    } catch (Exception e) {
      client.close();
      throw e;
    }
    PeerAuthentication authentication = new PeerAuthentication(config.cluster, secret, config.tlsClientAuth,
        MemberCalls.METHODS, AdminCalls.METHODS);
    if (config.insecurePlaintext && !config.tlsClientAuth) {
      LOG.log(System.Logger.Level.WARNING, "member {0} serves {1}:{2} WITHOUT mutual TLS because {3}=true: anyone who"
          + " can reach the port and read the cluster secret in etcd is trusted as a member; use this only on a"
          + " network nobody else can reach (see docs/security.md)", config.memberId, config.bindHost,
          String.valueOf(config.bindPort), ClusterConfig.INSECURE_PLAINTEXT);
    }
    this.scheduler = ThreadPools.single("kamacache-membership");
    this.handlers = ThreadPools.bounded("kamacache-peer", config.serverThreads, config.serverQueue);
    this.memberCalls = ThreadPools.bounded("kamacache-member-calls", config.serverThreads, config.serverQueue);
    this.deadlines = ThreadPools.single("kamacache-deadlines");
    PeerServer.Tls tls = new PeerServer.Tls(config.tlsCert, config.tlsKey, config.tlsTrust, config.tlsClientAuth);
    this.stubs = new PeerStubs(new PeerChannels(tls, config.maxMessageBytes, authentication.client(config.memberId),
        new CallTimer(metrics)),
        new Awaiting(config.spinMicros, TimeUnit.MICROSECONDS, PeerCalls.KINDS), config.timeout, deadlines,
        metrics::callMade, config.maxMessageBytes);
    String advertised = null;
    if (config.role == ClusterConfig.Role.MEMBER) {
      peerService = new PeerService(config, metrics, handlers, memberCalls);
      server = new PeerServer(config.bindHost, config.bindPort, tls,
          new PeerServer.Limits(config.maxMessageBytes, config.callsPerConnection), peerService,
          authentication.server(), metrics::callServed).start();
      int port = config.advertisePort != 0 ? config.advertisePort : server.port();
      advertised = config.advertiseHost + ":" + port;
    } else {
      peerService = null;
      server = null;
    }
    this.address = advertised;
    this.barriers = ThreadPools.single("kamacache-barrier");
    this.background = ThreadPools.single("kamacache-background");
    this.membership = new Membership(client, () -> EtcdClients.connect(config), views, config, advertised, scheduler,
        this::onRing, this::onLost, this::reannounceListeners);
    this.peers = new Peers(config, membership, stubs, codec);
    SettledRing settled = new SettledRing();
    this.rebalancer = new Rebalancer(peers, host, settled, metrics);
    this.barrier = new Barrier(peers, settled, rebalancer, barriers, config.leaseTtl.toNanos());
    this.ownership = new Ownership(membership, settled, config.memberId);
    this.keyLocks = new KeyLocks(config.memberId, config.lockLease);
    this.listeners = new ListenerRelay(peers, host, client, config.etcdKey("listeners/"));
    this.invalidations = new NearInvalidations(peers);
    this.refreshes = new ViewRefreshes(membership, stubs, config.memberId);
    this.definitions = new CacheDefinitions(client, config, host, codec, refreshes);
    this.caches = new LocalCaches(host, definitions);
    this.lifecycle = new Lifecycle(peers, ownership, settled, rebalancer, caches, server);
    this.bean = new ClusterBean(metrics, peers, caches, lifecycle);
    if (peerService != null) {
      peerService.answerWith(peers, caches, ownership, barrier, rebalancer, keyLocks, this::refreshViews);
      peerService.answerAdminWith(peers, advertised, host, lifecycle);
    }
  }

  /**
   * Joins the cluster: starts serving, registers, and learns the members and the caches.
   *
   * @throws CacheException if etcd cannot be reached or the member cannot start
   */
  public static ClusterNode start(ClusterConfig config, CacheHost host) {
    return start(config, host, MemberViews.WATCH);
  }

  /** As {@link #start(ClusterConfig, CacheHost)}, following the members through {@code views}. */
  static ClusterNode start(ClusterConfig config, CacheHost host, MemberViews views) {
    ClusterNode node = null;
    try {
      node = new ClusterNode(config, host, views);
      node.membership.join();
      return node;
    } catch (Exception e) {
      if (node != null) {
        node.close();
      }
      throw new CacheException("cannot join cluster '" + config.cluster + "' through etcd at "
          + config.endpoints + ": " + e, e);
    }
  }

  /**
   * Learns the caches defined in the cluster and starts serving. Called once the cache manager
   * can create caches, since learning a definition creates the cache here.
   */
  public void open() {
    try {
      definitions.start();
      listeners.start(config.timeout.toMillis());
    } catch (Exception e) {
      close();
      throw new CacheException("cannot read the cache definitions of cluster '" + config.cluster + "': " + e, e);
    }
    caches.open(true);
    if (server != null) {
      ownership.serving(true);
      server.serving(true);
    }
    lifecycle.opened();
  }

  public boolean isOpen() {
    return caches.isOpen();
  }

  public WireCodec codec() {
    return codec;
  }

  /** What JMX shows of this member (see {@link ClusterMXBean}); the manager registers it. */
  public ClusterMXBean mxbean() {
    return bean;
  }

  // ---- membership

  private void onRing(HashRing ring) {
    Set<String> addresses = new HashSet<>();
    for (HashRing.Member member : ring.members().values()) {
      addresses.add(member.address());
    }
    stubs.retainOnly(addresses);
    // Ownership may have moved, and a member that left cannot invalidate what it owned.
    caches.invalidateNearCaches();
    if (ownsKeys()) {
      // Before anything moves: a lock on a key that is no longer ours must not outlive its ownership.
      keyLocks.onRing(ring);
    }
    // A drained member is out of the ring for good: it has no view to settle and nothing to sweep.
    if (ownsKeys() && lifecycle.inRing()) {
      barrier.onRing();
      rebalancer.onRing(ring);
    }
  }

  /** A new incarnation announces its listeners again, under its new lease. */
  private void reannounceListeners() {
    listeners.reannounce();
  }

  /**
   * This member's lease is gone (or its registration): others may have served its keys since. The
   * new incarnation keeps what it holds only as candidates, which anything newer handed to it
   * replaces, and settles its first view like a member that just joined, after waiting for the
   * members it knew (see {@link Barrier#reset}).
   */
  private void onLost() {
    if (!ownsKeys()) {
      return;
    }
    lifecycle.lost();
    rebalancer.startOver();
    // Others may have served our keys since: no lock granted before survives the loss.
    keyLocks.dropAll();
    caches.invalidateNearCaches();
    barrier.reset();
  }

  /** A cache closed here: its near copies go with it. */
  public void cacheClosed(String name) {
    caches.removeNearCache(name);
    keyLocks.dropAll(name);
  }

  /** A cache is ready here: forward its events to the members listening, and announce ours. */
  public void cacheAdded(String name, EventDispatcher<?, ?> events) {
    listeners.reconcile(name);
    if (listeners.localListenersChanged(name, events)) {
      refreshEverywhere();
    }
  }

  /** This member's listeners on a cache changed: tell the owners, and wait until they know. */
  public void listenersChanged(String name, EventDispatcher<?, ?> events) {
    if (listeners.localListenersChanged(name, events)) {
      refreshEverywhere();
    }
  }

  /** Whether this member has moved the entries the last membership change asked it to move. */
  public boolean rebalanced() {
    return rebalancer.settled();
  }

  public HashRing ring() {
    return membership.ring();
  }

  /** The address peers reach this member at, or null for a client. */
  public String address() {
    return address;
  }

  public String memberId() {
    return config.memberId;
  }

  /** The name of the cluster this node joined. */
  /** Where the member jar serves metrics and health probes, if its settings ask for it. */
  public Optional<InetSocketAddress> probeAddress() {
    return config.probeAddress();
  }

  public String cluster() {
    return config.cluster;
  }

  /** Whether this node owns keys; a client only routes its own calls. */
  private boolean ownsKeys() {
    return config.role == ClusterConfig.Role.MEMBER;
  }

  // ---- cache definitions: see CacheDefinitions

  /**
   * Stores a cache definition unless one exists. Returns the definition the cluster now has: ours,
   * or the one that was there before.
   */
  public byte[] define(String name, byte[] bytes) {
    return definitions.define(name, bytes);
  }

  public void undefine(String name) {
    definitions.undefine(name);
  }

  /** Decodes a cache definition; the bytes come from etcd, so they pass the allow-list. */
  public Object decodeDefinition(byte[] bytes) {
    return definitions.decodeDefinition(bytes);
  }

  /**
   * Refuses, before it is stored in etcd, a configuration that every member would refuse; see
   * {@link CacheDefinitions#checkDefinition}.
   */
  public void checkDefinition(String name, CompleteConfiguration<?, ?> configuration) {
    definitions.checkDefinition(name, configuration);
  }

  /** Re-reads definitions and listener announcements; a peer that changed them asks for it. */
  void refreshViews() {
    try {
      definitions.reread();
      listeners.reread(config.timeout.toMillis());
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "re-reading the cluster's definitions failed: {0}", e.toString());
    }
  }

  /** Makes every other member see what this one just wrote to etcd before we go on. */
  private void refreshEverywhere() {
    refreshes.everywhere();
  }

  /**
   * Routes a cache's operations to the owners of its keys, and keeps {@code backups} copies of
   * every entry this member owns ({@code KamaConfiguration.DEFAULT_BACKUPS}, -1, means one). With a
   * near capacity above 0, reads of remote keys are kept here and every member invalidates them.
   */
  @SuppressWarnings("unchecked")
  public <K, V> CacheOperations<K, V> operations(String name, Group<K, V> local, CacheStatistics statistics, int backups,
      long nearCapacity, long nearMaxAgeNanos) {
    boolean near = nearCapacity > 0;
    Replicator<K> replicator = new Replicator<>(peers, ownership, background, name, local.copies(),
        backups < 0 ? 1 : backups, near ? invalidations : null, metrics);
    local.replicateTo(replicator);
    if (ownsKeys()) {
      // Every change of a key waits while a caller's processor holds it (see KeyLocks).
      local.store().guardWith(keyLocks.of(name));
    }
    rebalancer.register(name, (Replicator<Object>) (Replicator<?>) replicator);
    NearCache<K> nearCache = null;
    if (near && ownsKeys()) {
      nearCache = new NearCache<>(nearCapacity, nearMaxAgeNanos, local.store().ticker(), metrics);
      caches.addNearCache(name, (NearCache<Object>) nearCache);
    } else if (near) {
      // Owners send invalidations to members; a client has no server to receive them.
      LOG.log(System.Logger.Level.INFO, "cache ''{0}'': no near cache on {1}, a client; members keep one",
          name, config.memberId);
    }
    NotOwnerRetries retries = new NotOwnerRetries(name, config, membership, metrics);
    Router<K, V> router = new Router<>(peers, host, ownership, rebalancer, name, local, statistics, nearCache, retries);
    return new ClusteredOperations<>(peers, host, rebalancer, deadlines, streaming, router);
  }

  // ---- lifecycle and operations (issue 14): see Lifecycle and ClusterAdmin

  /** Where this node stands now; a member is ready for traffic only while {@link MemberState#SERVING}. */
  public MemberState state() {
    return lifecycle.state();
  }

  /**
   * Drains this member: it hands every entry it owns to the new owners and leaves the ring as a
   * graceful close does, but keeps running (state {@link MemberState#DRAINING}) until it is
   * closed. Idempotent: a second call returns the first one's outcome.
   *
   * @return whether every entry reached its new owner (the rest survive on their backups)
   * @throws IllegalStateException for a client, a closed node, or the only member of the ring
   */
  public boolean drain() {
    return lifecycle.drain();
  }

  /** What an operator asks the cluster's members, through this node: see {@link ClusterAdmin}. */
  public ClusterAdmin admin() {
    return new ClusterAdmin(peers);
  }

  /** Leaves the cluster: not serving, lease revoked (out of every ring at once), then gRPC stops. */
  @Override
  public void close() {
    if (!lifecycle.closing()) {
      return;
    }
    ownership.serving(false);
    keyLocks.dropAll();
    if (server != null) {
      server.serving(false);
    }
    caches.open(false);
    if (ownsKeys()) {
      // Hand everything over while still in the ring; requests meanwhile get NOT_OWNER and retry.
      rebalancer.handOffEverything(false);
    }
    membership.leave();
    invalidations.close();
    rebalancer.close();
    listeners.close();
    membership.close();
    definitions.close();
    if (server != null) {
      peerService.endBatchStreams();
      server.close();
    }
    for (GetBatcher batcher : streaming) {
      batcher.close();
    }
    stubs.close();
    deadlines.shutdownNow();
    barriers.shutdownNow();
    background.shutdownNow();
    scheduler.shutdownNow();
    handlers.shutdownNow();
    memberCalls.shutdownNow();
    client.close();
  }
}