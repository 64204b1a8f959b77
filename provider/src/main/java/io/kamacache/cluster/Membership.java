package io.kamacache.cluster;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * This member's registration in etcd and its view of everyone else's.
 *
 * <p>The member registers {@code /<prefix>/<cluster>/members/<id>} under a lease, keeps the lease
 * alive every TTL/3, and registers again under a new lease whenever etcd says the old one is gone,
 * so it never silently stays out of the ring. The ring is rebuilt from the members prefix on every
 * change and swapped in whole; it always includes this member once it has registered. While etcd
 * cannot be reached, the member keeps serving with its last view.
 */
final class Membership implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Membership.class.getName());

  private final Client client;
  private final ClusterConfig config;
  private final String memberKey;
  private final String address;
  private final ScheduledExecutorService scheduler;
  private final Consumer<HashRing> onRing;
  private final PrefixView view;
  private final AtomicReference<HashRing> ring;
  private volatile long leaseId;
  private ScheduledFuture<?> keepAlive;
  private final Runnable onRegistered;

  Membership(Client client, ClusterConfig config, String address, ScheduledExecutorService scheduler,
      Consumer<HashRing> onRing, Runnable onRegistered) {
    this.onRegistered = onRegistered;
    this.client = client;
    this.config = config;
    this.address = address;
    this.scheduler = scheduler;
    this.onRing = onRing;
    String members = "/" + config.prefix + "/" + config.cluster + "/members/";
    this.memberKey = members + config.memberId;
    this.ring = new AtomicReference<>(new HashRing(0, List.of(), config.virtualNodes));
    this.view = new PrefixView(client, members, this::rebuild);
  }

  /**
   * Takes a lease and registers (a client only takes the lease, for what it announces), then
   * starts watching; returns once the ring is known.
   */
  void join() throws Exception {
    long timeout = config.timeout.toMillis();
    register();
    long period = Math.max(1, config.leaseTtl.toMillis() / 3);
    keepAlive = scheduler.scheduleWithFixedDelay(this::keepAlive, period, period, TimeUnit.MILLISECONDS);
    view.start(timeout);
  }

  long leaseId() {
    return leaseId;
  }

  private void register() throws Exception {
    long timeout = config.timeout.toMillis();
    long lease = client.getLeaseClient().grant(config.leaseTtl.toSeconds()).get(timeout, TimeUnit.MILLISECONDS).getID();
    if (config.role == ClusterConfig.Role.MEMBER) {
      client.getKVClient().put(PrefixView.bytes(memberKey), PrefixView.bytes("address=" + address),
          PutOption.builder().withLeaseId(lease).build()).get(timeout, TimeUnit.MILLISECONDS);
    }
    boolean again = leaseId != 0;
    leaseId = lease;
    if (again) {
      onRegistered.run();
    }
    LOG.log(System.Logger.Level.INFO, "member {0} registered at {1} with lease {2}", config.memberId, address,
        Long.toHexString(lease));
  }

  private void keepAlive() {
    try {
      LeaseKeepAliveResponse response = client.getLeaseClient().keepAliveOnce(leaseId)
          .get(config.timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (response.getTTL() <= 0) {
        reregister("the lease has expired");
      }
    } catch (java.util.concurrent.ExecutionException e) {
      String message = String.valueOf(e.getCause());
      if (message.contains("not found") || message.contains("expired") || message.contains("revoked")) {
        reregister(message);
      } else {
        LOG.log(System.Logger.Level.WARNING, "lease keepalive failed; serving with the last view: {0}", message);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "lease keepalive failed; serving with the last view: {0}", e.toString());
    }
  }

  private void reregister(String why) {
    LOG.log(System.Logger.Level.WARNING, "member {0} lost its registration ({1}); registering again",
        config.memberId, why);
    try {
      register();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "registering again failed; will retry: {0}", e.toString());
    }
  }

  /** Set by tests that need this member's view out of step with the others'. */
  private volatile boolean frozen;

  void freezeView(boolean frozen) {
    this.frozen = frozen;
  }

  private void rebuild(Map<String, byte[]> members, long revision) {
    if (frozen) {
      return;
    }
    List<HashRing.Member> list = new ArrayList<>();
    for (Map.Entry<String, byte[]> entry : members.entrySet()) {
      String value = new String(entry.getValue(), StandardCharsets.UTF_8);
      String memberAddress = value.startsWith("address=") ? value.substring("address=".length()).trim() : "";
      if (!memberAddress.isEmpty()) {
        list.add(new HashRing.Member(entry.getKey(), memberAddress));
      }
    }
    HashRing next = new HashRing(revision, list, config.virtualNodes);
    ring.set(next);
    onRing.accept(next);
  }

  HashRing ring() {
    return ring.get();
  }

  /** Reads the members again from etcd; a caller told NOT_OWNER uses it to catch up. */
  void refresh() {
    try {
      view.reread(config.timeout.toMillis());
    } catch (Exception e) {
      LOG.log(System.Logger.Level.DEBUG, "refreshing the members failed: {0}", e.toString());
    }
  }

  /** Leaves: stops the keepalive and revokes the lease, which removes us from every ring at once. */
  void leave() {
    if (keepAlive != null) {
      keepAlive.cancel(false);
    }
    if (leaseId != 0) {
      try {
        client.getLeaseClient().revoke(leaseId).get(config.timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "revoking the lease failed; it will expire: {0}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    view.close();
  }
}
