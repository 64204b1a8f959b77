package io.kamacache.cluster;

import com.google.common.util.concurrent.MoreExecutors;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kamacache.codec.WireCodec;
import io.kamacache.group.CacheOperations;
import io.kamacache.group.Group;
import io.kamacache.management.CacheStatistics;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.transport.Awaiting;
import io.kamacache.transport.PeerAuthentication;
import io.kamacache.transport.PeerCalls;
import io.kamacache.transport.PeerChannels;
import io.kamacache.transport.PeerServer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheException;

/**
 * One cache manager's membership in a cluster: the etcd client, the registration and ring, the
 * cache definitions, the gRPC server that runs requests for the keys this member owns, and the
 * channels to the other members.
 */
public final class ClusterNode implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ClusterNode.class.getName());

  private final ClusterConfig config;
  private final CacheHost host;
  private final WireCodec codec;
  private final Client client;
  private final ScheduledExecutorService scheduler;
  /** Watches the deadlines of batches on get streams, which have no per-call deadline of their own. */
  private final ScheduledExecutorService deadlines;
  /** Batchers with a get stream open, closed with this node so that the channels can close. */
  final Set<GetBatcher> streaming = ConcurrentHashMap.newKeySet();
  private final PeerService peerService;
  /** Runs callers' operations that cannot run on a transport thread; bounded, see PeerService. */
  private final ExecutorService handlers;
  /** Runs what only members send (backups, handoffs, barriers, events), apart from callers' operations. */
  private final ExecutorService memberCalls;
  private final PeerChannels channels;
  private final Awaiting awaiting;
  private final PeerServer server;
  private final Membership membership;
  private final Rebalancer rebalancer = new Rebalancer(this);
  /** Runs membership barriers, which wait on other members, apart from the keepalive's thread. */
  private final ScheduledExecutorService barriers;
  /** Sends what need not hold up any caller: expiry times that reads moved, to the backups. */
  private final ScheduledExecutorService background;
  private final Barrier barrier;
  private final Ownership ownership;
  private final ListenerRelay listeners;
  private final PrefixView definitions;
  private final String definitionsPrefix;
  /**
   * The definitions this member has acted on, by name, with the etcd revision that created each:
   * one created again under the same name is a cache destroyed and created again, while one
   * written over in place is not something KamaCache does, and is ignored.
   */
  private final Map<String, PrefixView.Entry> known = new ConcurrentHashMap<>();
  /** Definitions this member refused, by name, with the revision it warned about: one warning per write. */
  private final Map<String, Long> refused = new ConcurrentHashMap<>();
  /** The near caches of this member's caches, by cache name. */
  private final Map<String, NearCache<Object>> nearCaches = new ConcurrentHashMap<>();
  private final NearInvalidations invalidations = new NearInvalidations(this);
  /** Keys this member has answered in batches of gets; for tests. */
  final java.util.concurrent.atomic.LongAdder batchedGets = new java.util.concurrent.atomic.LongAdder();
  private final String address;
  private volatile boolean open;
  /** Re-reads of the definitions that requests for caches unknown here ask for; they share them. */
  private final Coalesced unknownCacheRereads;

  private ClusterNode(ClusterConfig config, CacheHost host) throws Exception {
    this.config = config;
    this.host = host;
    this.codec = new WireCodec(config.serializationAllow, config.serializationMaxDepth, config.maxMessageBytes,
        config.serializationMaxHashWork);
    this.client = etcdClient(config);
    byte[] secret;
    try {
      secret = ClusterSecret.readOrCreate(client, config);
    } catch (Exception e) {
      client.close();
      throw e;
    }
    PeerAuthentication authentication = new PeerAuthentication(config.cluster, secret, config.tlsClientAuth,
        MemberCalls.METHODS);
    if (config.insecurePlaintext && !config.tlsClientAuth) {
      LOG.log(System.Logger.Level.WARNING, "member {0} serves {1}:{2} WITHOUT mutual TLS because {3}=true: anyone who"
          + " can reach the port and read the cluster secret in etcd is trusted as a member; use this only on a"
          + " network nobody else can reach (see docs/security.md)", config.memberId, config.bindHost,
          String.valueOf(config.bindPort), ClusterConfig.INSECURE_PLAINTEXT);
    }
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("kamacache-membership"));
    this.handlers = bounded("kamacache-peer", config.serverThreads, config.serverQueue);
    this.memberCalls = bounded("kamacache-member-calls", config.serverThreads, config.serverQueue);
    this.deadlines = Executors.newSingleThreadScheduledExecutor(daemon("kamacache-deadlines"));
    PeerServer.Tls tls = new PeerServer.Tls(config.tlsCert, config.tlsKey, config.tlsTrust, config.tlsClientAuth);
    this.channels = new PeerChannels(tls, config.maxMessageBytes, authentication.client(config.memberId));
    this.awaiting = new Awaiting(config.spinMicros, TimeUnit.MICROSECONDS, PeerCalls.KINDS);
    String advertised = null;
    if (config.role == ClusterConfig.Role.MEMBER) {
      peerService = new PeerService(this, handlers, memberCalls);
      server = new PeerServer(config.bindHost, config.bindPort, tls,
          new PeerServer.Limits(config.maxMessageBytes, config.callsPerConnection), peerService,
          authentication.server()).start();
      int port = config.advertisePort != 0 ? config.advertisePort : server.port();
      advertised = config.advertiseHost + ":" + port;
    } else {
      peerService = null;
      server = null;
    }
    this.address = advertised;
    this.listeners = new ListenerRelay(this, client, "/" + config.prefix + "/" + config.cluster + "/listeners/");
    this.barriers = Executors.newSingleThreadScheduledExecutor(daemon("kamacache-barrier"));
    this.background = Executors.newSingleThreadScheduledExecutor(daemon("kamacache-background"));
    this.barrier = new Barrier(this, barriers, config.leaseTtl.toNanos());
    this.membership = new Membership(client, () -> etcdClient(config), config, advertised, scheduler, this::onRing, this::onLost,
        () -> listeners.reannounce());
    this.ownership = new Ownership(membership, barrier, config.memberId);
    this.definitionsPrefix = "/" + config.prefix + "/" + config.cluster + "/caches/";
    this.definitions = new PrefixView(client, definitionsPrefix, this::onDefinitions);
    this.unknownCacheRereads = new Coalesced(() -> {
      try {
        definitions.reread(config.timeout.toMillis());
      } catch (Exception e) {
        LOG.log(System.Logger.Level.DEBUG, "re-reading cache definitions failed: {0}", e.toString());
      }
    });
  }

  /**
   * Joins the cluster: starts serving, registers, and learns the members and the caches.
   *
   * @throws CacheException if etcd cannot be reached or the member cannot start
   */
  public static ClusterNode start(ClusterConfig config, CacheHost host) {
    ClusterNode node = null;
    try {
      node = new ClusterNode(config, host);
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
      definitions.start(config.timeout.toMillis());
      listeners.start(config.timeout.toMillis());
    } catch (Exception e) {
      close();
      throw new CacheException("cannot read the cache definitions of cluster '" + config.cluster + "': " + e, e);
    }
    open = true;
    if (server != null) {
      ownership.serving(true);
      server.serving(true);
    }
  }

  public boolean isOpen() {
    return open;
  }

  public WireCodec codec() {
    return codec;
  }

  private static Client etcdClient(ClusterConfig config) {
    ClientBuilder builder = Client.builder()
        .endpoints(config.endpoints.toArray(new java.net.URI[0]))
        .connectTimeout(config.timeout);
    if (config.etcdTlsTrust != null || config.etcdTlsCert != null) {
      try {
        builder.sslContext(ssl -> {
          if (config.etcdTlsTrust != null) {
            ssl.trustManager(config.etcdTlsTrust.toFile());
          }
          if (config.etcdTlsCert != null) {
            ssl.keyManager(config.etcdTlsCert.toFile(), config.etcdTlsKey.toFile());
          }
        });
      } catch (javax.net.ssl.SSLException | RuntimeException e) {
        throw new CacheException("cannot use the etcd TLS files (" + ClusterConfig.ETCD_TLS_TRUST + ", "
            + ClusterConfig.ETCD_TLS_CERT + ", " + ClusterConfig.ETCD_TLS_KEY + "): " + e.getMessage(), e);
      }
    }
    if (config.etcdUser != null) {
      builder.user(ByteSequence.from(config.etcdUser, StandardCharsets.UTF_8))
          .password(ByteSequence.from(config.etcdPassword, StandardCharsets.UTF_8));
    }
    return builder.build();
  }

  /**
   * A pool of at most {@code threads}, idle ones ending after a minute, with room for {@code queue}
   * waiting tasks; past that it refuses, which the peer service answers with RESOURCE_EXHAUSTED.
   */
  private static ExecutorService bounded(String name, int threads, int queue) {
    java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(threads, threads,
        1, TimeUnit.MINUTES, queue == 0 ? new java.util.concurrent.SynchronousQueue<>()
            : new java.util.concurrent.ArrayBlockingQueue<>(queue), daemon(name));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  // ---- membership

  private void onRing(HashRing ring) {
    Set<String> addresses = new HashSet<>();
    for (HashRing.Member member : ring.members().values()) {
      addresses.add(member.address());
    }
    channels.retainOnly(addresses);
    // Ownership may have moved, and a member that left cannot invalidate what it owned.
    for (NearCache<Object> near : nearCaches.values()) {
      near.invalidateAll();
    }
    if (ownsKeys()) {
      barrier.onRing();
      rebalancer.onRing(ring);
    }
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
    rebalancer.startOver();
    for (NearCache<Object> near : nearCaches.values()) {
      near.invalidateAll();
    }
    barrier.reset();
  }

  ScheduledExecutorService background() {
    return background;
  }

  Ownership ownership() {
    return ownership;
  }

  Barrier barrier() {
    return barrier;
  }

  /** Of these members (id to incarnation), the ones that left on purpose; see {@link Membership#leftOnPurpose}. */
  Set<String> leftOnPurpose(Map<String, String> incarnations) {
    return membership.leftOnPurpose(incarnations);
  }

  /** This member's current incarnation: the lease it registered under, in hex. */
  String incarnation() {
    return membership.incarnation();
  }

  /** The near cache of a cache, or null if it has none here. */
  NearCache<Object> nearCache(String name) {
    return nearCaches.get(name);
  }

  /** A cache closed here: its near copies go with it. */
  public void cacheClosed(String name) {
    nearCaches.remove(name);
  }

  Rebalancer rebalancer() {
    return rebalancer;
  }

  /** Keeps this member on its current ring until unfrozen; for topology tests. */
  void freezeView(boolean frozen) {
    membership.freezeView(frozen);
    if (!frozen) {
      membership.refresh();
    }
  }

  long leaseId() {
    return membership.leaseId();
  }

  /** A cache is ready here: forward its events to the members listening, and announce ours. */
  public void cacheAdded(String name, io.kamacache.event.EventDispatcher<?, ?> events) {
    listeners.reconcile(name);
    if (listeners.localListenersChanged(name, events)) {
      refreshEverywhere();
    }
  }

  /** This member's listeners on a cache changed: tell the owners, and wait until they know. */
  public void listenersChanged(String name, io.kamacache.event.EventDispatcher<?, ?> events) {
    if (listeners.localListenersChanged(name, events)) {
      refreshEverywhere();
    }
  }

  /** Whether this member has moved the entries the last membership change asked it to move. */
  public boolean rebalanced() {
    return rebalancer.settled();
  }

  /** How many entries this member has handed to new owners since it started. */
  public long movedEntries() {
    return rebalancer.moved();
  }

  /** The local Group of a cache, without asking etcd. */
  Group<Object, Object> localGroup(String name) {
    return host.group(name);
  }

  public HashRing ring() {
    return membership.ring();
  }

  /** The epoch requests carry: the newest etcd revision this member has read the members at. */
  long epoch() {
    return membership.revision();
  }

  void refreshRing() {
    membership.refresh();
  }

  /** Catches up with a peer that has read the members at {@code epoch}, if this member has not yet. */
  void catchUp(long epoch) {
    membership.catchUp(epoch, config.timeout.toMillis());
  }

  /** As {@link #catchUp(long)}, waiting at most {@code timeoutMillis}; returns whether it caught up. */
  boolean catchUp(long epoch, long timeoutMillis) {
    return membership.catchUp(epoch, timeoutMillis);
  }

  /** The address peers reach this member at, or null for a client. */
  public String address() {
    return address;
  }

  public String memberId() {
    return config.memberId;
  }

  /** The name of the cluster this node joined. */
  public String cluster() {
    return config.cluster;
  }

  /** Whether this node owns keys; a client only routes its own calls. */
  boolean ownsKeys() {
    return config.role == ClusterConfig.Role.MEMBER;
  }

  ClusterConfig config() {
    return config;
  }

  ClassLoader classLoader() {
    return host.classLoader();
  }

  /** Calls to {@code member}, each under the request deadline, waited for as {@link PeerCalls} says. */
  PeerCalls stub(HashRing.Member member) {
    return new PeerCalls(PeerGrpc.newFutureStub(channels.channel(member.address()))
        .withDeadlineAfter(config.timeout.toMillis(), TimeUnit.MILLISECONDS), awaiting);
  }

  /** Calls to {@code member} under a deadline of their own, {@code nanos} from now. */
  PeerCalls stub(HashRing.Member member, long nanos) {
    return new PeerCalls(PeerGrpc.newFutureStub(channels.channel(member.address()))
        .withDeadlineAfter(nanos, TimeUnit.NANOSECONDS), awaiting);
  }

  /**
   * For calls nobody waits for. Their observers run on the transport thread that read the answer,
   * so they must not block: they complete futures and send the next batch.
   */
  PeerGrpc.PeerStub asyncStub(HashRing.Member member) {
    return PeerGrpc.newStub(channels.channel(member.address()))
        .withExecutor(MoreExecutors.directExecutor())
        .withDeadlineAfter(config.timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** For a get stream: no deadline, since the stream outlives its batches; see {@link GetBatcher}. */
  PeerGrpc.PeerStub streamStub(HashRing.Member member) {
    return PeerGrpc.newStub(channels.channel(member.address())).withExecutor(MoreExecutors.directExecutor());
  }

  /** Calls of a peer method this member has served; 0 for a client, which serves none. */
  long callsServed(String method) {
    return server == null ? 0 : server.callsServed(method);
  }

  /**
   * How callers here wait for their answers: one for unary calls and get streams alike, so that
   * gets share one record of how fast answers come.
   */
  Awaiting awaiting() {
    return awaiting;
  }

  ScheduledExecutorService deadlines() {
    return deadlines;
  }

  Group<Object, Object> group(String name) {
    Group<Object, Object> group = host.group(name);
    // Before open() the manager is still being built and cannot create caches yet; the first
    // read of the definitions, in open(), creates them all.
    if (group == null && open) {
      // The definition may have been written after our watch last spoke: read it once more,
      // together with every other caller asking about a cache we do not know.
      unknownCacheRereads.run();
      group = host.group(name);
    }
    return group;
  }

  // ---- cache definitions

  /**
   * Stores a cache definition unless one exists. Returns the definition the cluster now has: ours,
   * or the one that was there before.
   */
  public byte[] define(String name, byte[] bytes) {
    ByteSequence key = PrefixView.bytes(definitionsPrefix + name);
    PrefixView.Entry stored;
    boolean wrote;
    try {
      TxnResponse response = client.getKVClient().txn()
          .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
          .Then(Op.put(key, ByteSequence.from(bytes), PutOption.DEFAULT))
          .Else(Op.get(key, GetOption.DEFAULT))
          .commit().get(config.timeout.toMillis(), TimeUnit.MILLISECONDS);
      wrote = response.isSucceeded();
      if (wrote) {
        long created = response.getHeader().getRevision();
        stored = new PrefixView.Entry(bytes, 0, 1, created, created);
      } else {
        List<KeyValue> existing = response.getGetResponses().get(0).getKvs();
        if (existing.isEmpty()) {
          throw new IllegalStateException("the definition changed while it was being stored; try again");
        }
        stored = PrefixView.Entry.of(existing.get(0));
      }
    } catch (Exception e) {
      throw new CacheException("cannot store the definition of cache '" + name + "' in etcd: " + e, e);
    }
    if (stored.version() > 1) {
      throw new CacheException("cache '" + name + "' has a definition in etcd (" + definitionsPrefix + name
          + ") that was written over in place (version " + stored.version() + "), which KamaCache never does;"
          + " members ignore it. Find out who wrote it, then destroy the cache and create it again.");
    }
    known.put(name, stored);
    if (wrote) {
      refreshEverywhere();
    }
    return stored.value();
  }

  public void undefine(String name) {
    try {
      known.remove(name);
      client.getKVClient().delete(PrefixView.bytes(definitionsPrefix + name))
          .get(config.timeout.toMillis(), TimeUnit.MILLISECONDS);
      refreshEverywhere();
    } catch (Exception e) {
      throw new CacheException("cannot remove the definition of cache '" + name + "' from etcd: " + e, e);
    }
  }

  /** Decodes a cache definition; the bytes come from etcd, so they pass the allow-list. */
  public Object decodeDefinition(byte[] bytes) {
    return codec.decode(bytes, host.classLoader());
  }

  /**
   * Refuses, before it is stored in etcd, a configuration that every member would refuse: one
   * with a {@code FactoryBuilder.ClassFactory} of a class that {@value WireCodec#ALLOW_SETTING}
   * does not allow (see {@link DefinitionFactories}).
   *
   * @throws CacheException naming the cache, the factory, the class and the setting
   */
  public void checkDefinition(String name, javax.cache.configuration.CompleteConfiguration<?, ?> configuration) {
    String refusal = new DefinitionFactories(config.serializationAllow, host.classLoader()).refusal(configuration);
    if (refusal != null) {
      throw new CacheException("cache '" + name + "' cannot be created in cluster '" + config.cluster + "': " + refusal
          + ". Members create a clustered cache from its definition in etcd and instantiate by name only the classes"
          + " that " + WireCodec.ALLOW_SETTING + " allows: add the class or its package (pkg.** for it and its"
          + " subpackages) to " + WireCodec.ALLOW_SETTING + " on every member and client, or use a factory instance"
          + " (FactoryBuilder.factoryOf(instance)) of an allowed class.");
    }
  }

  /** Why a definition read from etcd may not be acted on here, or null if it may. */
  private String refusal(byte[] bytes) {
    Object decoded;
    try {
      decoded = decodeDefinition(bytes);
    } catch (RuntimeException e) {
      return "it cannot be decoded here: " + e.getMessage();
    }
    if (!(decoded instanceof javax.cache.configuration.CompleteConfiguration)) {
      return "it is not a cache configuration but a " + (decoded == null ? "null" : decoded.getClass().getName());
    }
    String refusal = new DefinitionFactories(config.serializationAllow, host.classLoader())
        .refusal((javax.cache.configuration.CompleteConfiguration<?, ?>) decoded);
    return refusal == null ? null : refusal + ". Members instantiate by name only the classes that "
        + WireCodec.ALLOW_SETTING + " allows, so it was written by a member with other settings or by someone"
        + " else with write access to etcd; if the class is meant to run here, add it to " + WireCodec.ALLOW_SETTING
        + " on every member and client, then destroy the cache and create it again";
  }

  /**
   * Acts on the cluster's definitions: creates the caches defined since, and destroys here those
   * destroyed (deleted, possibly created again since). KamaCache only ever creates a definition
   * (create-if-absent) and deletes it, so one written over in place, or one that asks for a class
   * the allow-list does not admit, is refused with a warning: it neither creates a cache nor
   * clears one that exists.
   */
  private synchronized void onDefinitions(Map<String, PrefixView.Entry> current, long revision) {
    for (Map.Entry<String, PrefixView.Entry> entry : current.entrySet()) {
      String name = entry.getKey();
      PrefixView.Entry now = entry.getValue();
      PrefixView.Entry before = known.get(name);
      if (before != null && before.createRevision() == now.createRevision()) {
        if (before.modRevision() != now.modRevision()) {
          refuse(name, now, "it was written over in place (version " + now.version() + " of the key created at"
              + " revision " + now.createRevision() + "), which KamaCache never does; the cache keeps the"
              + " configuration and the entries it has");
        }
        continue;
      }
      if (before != null) {
        known.remove(name);
        destroyed(name, revision, "was deleted and defined again");
      }
      if (Long.valueOf(now.modRevision()).equals(refused.get(name))) {
        continue;
      }
      String refusal = now.version() > 1
          ? "it was written over in place (version " + now.version() + "), which KamaCache never does"
          : refusal(now.value());
      if (refusal != null) {
        refuse(name, now, refusal + "; the cache is not created here");
        continue;
      }
      known.put(name, now);
      try {
        host.defined(name, now.value());
      } catch (RuntimeException e) {
        known.remove(name); // so that the next read tries again
        LOG.log(System.Logger.Level.WARNING, "cannot create cache ''" + name + "'' defined in the cluster", e);
      }
    }
    for (String name : Set.copyOf(known.keySet())) {
      if (!current.containsKey(name)) {
        known.remove(name);
        destroyed(name, revision, "was deleted");
      }
    }
    refused.keySet().retainAll(current.keySet());
  }

  private void refuse(String name, PrefixView.Entry definition, String why) {
    Long warned = refused.put(name, definition.modRevision());
    if (warned == null || warned != definition.modRevision()) {
      LOG.log(System.Logger.Level.WARNING, "ignoring the definition of cache ''{0}'' in etcd ({1}{0}, revision {2}):"
          + " {3}", name, definitionsPrefix, String.valueOf(definition.modRevision()), why);
    }
  }

  /** destroyCache somewhere in the cluster: cluster-wide, as JSR-107 has it, so the cache goes here too. */
  private void destroyed(String name, long revision, String how) {
    Group<Object, Object> group = host.group(name);
    long entries = group == null ? 0 : group.store().size();
    host.undefined(name);
    LOG.log(System.Logger.Level.INFO, "cache ''{0}'' {1} in etcd (seen at revision {2}): destroyed in the cluster,"
        + " so it is destroyed here too, dropping the {3} entries this member held", name, how, String.valueOf(revision),
        String.valueOf(entries));
  }

  /** Re-reads definitions and listener announcements; a peer that changed them asks for it. */
  void refreshViews() {
    try {
      definitions.reread(config.timeout.toMillis());
      listeners.reread(config.timeout.toMillis());
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "re-reading the cluster's definitions failed: {0}", e.toString());
    }
  }

  /** Makes every other member see what this one just wrote to etcd before we go on. */
  void refreshEverywhere() {
    HashRing ring = ring();
    io.kamacache.proto.v1.CacheRequest request = io.kamacache.proto.v1.CacheRequest.newBuilder()
        .setHeader(io.kamacache.proto.v1.Header.newBuilder().setEpoch(epoch()).setSender(config.memberId)).build();
    for (HashRing.Member member : ring.members().values()) {
      if (member.id().equals(config.memberId)) {
        continue;
      }
      try {
        stub(member).refresh(request);
      } catch (io.grpc.StatusRuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "asking {0} to re-read the definitions failed: {1}", member, e.getStatus());
      }
    }
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
    Replicator<K> replicator = new Replicator<>(this, name, local.copies(), backups < 0 ? 1 : backups,
        near ? invalidations : null);
    local.replicateTo(replicator);
    rebalancer.register(name, (Replicator<Object>) (Replicator<?>) replicator);
    NearCache<K> nearCache = null;
    if (near && ownsKeys()) {
      nearCache = new NearCache<>(nearCapacity, nearMaxAgeNanos, local.store().ticker());
      nearCaches.put(name, (NearCache<Object>) nearCache);
    } else if (near) {
      // Owners send invalidations to members; a client has no server to receive them.
      LOG.log(System.Logger.Level.INFO, "cache ''{0}'': no near cache on {1}, a client; members keep one",
          name, config.memberId);
    }
    return new ClusteredOperations<>(this, name, local, statistics, nearCache);
  }

  /** Leaves the cluster: not serving, lease revoked (out of every ring at once), then gRPC stops. */
  @Override
  public void close() {
    ownership.serving(false);
    if (server != null) {
      server.serving(false);
    }
    open = false;
    if (ownsKeys()) {
      // Hand everything over while still in the ring; requests meanwhile get NOT_OWNER and retry.
      rebalancer.handOffEverything();
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
    channels.close();
    deadlines.shutdownNow();
    barriers.shutdownNow();
    background.shutdownNow();
    scheduler.shutdownNow();
    handlers.shutdownNow();
    memberCalls.shutdownNow();
    client.close();
  }
}
