package io.kamacache.cluster;

import io.etcd.jetcd.Client;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * This member's view of the members: the ring, rebuilt from the members prefix on every change
 * and swapped in whole, and read again from etcd when a caller or a peer needs it current. Keys
 * under the members prefix that no member could have written (without a lease, with an
 * incarnation that is not their lease, or with a value that is not a registration) stay out of
 * the ring, with a warning.
 */
final class MembersView implements AutoCloseable {

  /**
   * Logs under {@link Membership}'s name, as before it was split off, so operators' log settings still
   * apply; the name is spelled out because a class literal would make this class depend on it.
   */
  private static final System.Logger LOG = System.getLogger("io.kamacache.cluster.Membership");
  /** What {@link ClusterConfig} allows as a member id; any other key under the members prefix is not a member. */
  private static final Pattern MEMBER_ID = Pattern.compile("[A-Za-z0-9._-]+");

  private final ClusterConfig config;
  private final String memberKey;
  /** This member's registration: a view that must show it and does not makes it register again. */
  private final Registration registration;
  private final ScheduledExecutorService scheduler;
  private final Consumer<HashRing> onRing;
  private final KeyView view;
  private final AtomicReference<HashRing> ring;
  /** The newest etcd revision this member has read the members at; requests carry it as their epoch. */
  private volatile long revision;
  /** Keys under the members prefix kept out of the ring, with the revision last warned about: one warning per write. */
  private final Map<String, Long> ignored = new ConcurrentHashMap<>();
  private final ReentrantLock refreshes = new ReentrantLock();
  /** When the latest read of the members started. Guarded by {@link #refreshes}. */
  private long lastRefresh = System.nanoTime();

  /** {@code views} opens the view of the members prefix: etcd's watch ({@link MemberViews#WATCH}) in production. */
  MembersView(Client client, MemberViews views, ClusterConfig config, Registration registration,
      ScheduledExecutorService scheduler, Consumer<HashRing> onRing) {
    this.config = config;
    this.registration = registration;
    this.scheduler = scheduler;
    this.onRing = onRing;
    String members = config.etcdKey("members/");
    this.memberKey = members + config.memberId;
    this.ring = new AtomicReference<>(new HashRing(0, List.of(), config.virtualNodes));
    this.view = views.open(client, members, this::rebuild);
  }

  /** Reads the members and starts following their changes; returns once the ring is known. */
  void start() throws Exception {
    view.start(config.timeout.toMillis());
  }

  private void rebuild(Map<String, PrefixView.Entry> members, long revision) {
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
    if (registration.mustAppearIn(revision)) {
      HashRing.Member self = next.members().get(config.memberId);
      if (self == null || !self.incarnation().equals(registration.incarnation())) {
        // Someone removed or replaced our registration while our lease lives: others no longer
        // count us, so we must not serve, and we come back as a new incarnation.
        scheduler.execute(() -> {
          HashRing now = ring.get();
          HashRing.Member me = now.members().get(config.memberId);
          if (registration.mustAppearIn(revision()) && (me == null || !me.incarnation().equals(registration.incarnation()))) {
            registration.lost(registration.leaseId(), "its registration is gone from etcd: its lease expired, or someone removed it");
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
      long left = timeoutMillis - TimeUnit.NANOSECONDS.toMillis(lastRefresh - called);
      // Through the lease's client: after etcd was away it has just proven the lease, while the
      // view's own client may wait out gRPC's reconnection backoff for seconds more, and every
      // request from a member that had caught up would wait for this read meanwhile.
      view.reread(registration.etcd(), Math.max(1, left));
    } catch (Exception e) {
      LOG.log(System.Logger.Level.DEBUG, "refreshing the members failed: {0}", e.toString());
    } finally {
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

  @Override
  public void close() {
    view.close();
  }
}
