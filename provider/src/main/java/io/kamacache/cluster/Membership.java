package io.kamacache.cluster;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * This member's place in the cluster as the rest of the node sees it: its registration and the
 * proof that its lease lives ({@link Registration}), and its view of everyone else's
 * ({@link MembersView}), joined and left together.
 */
final class Membership implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Membership.class.getName());

  private final Client client;
  private final ClusterConfig config;
  /** Where a member that leaves gracefully says so, with its incarnation, for two TTLs. */
  private final String leftPrefix;
  private final Registration registration;
  private final MembersView view;
  private final Runnable onRegistered;

  /**
   * {@code newClient} makes the etcd clients for the lease alone; {@code views} opens the view of
   * the members ({@link MemberViews#WATCH} in production). A member that registers again (its lease
   * was lost) runs {@code onRegistered}, then reads the members again before it may serve.
   */
  Membership(Client client, Supplier<Client> newClient, MemberViews views, ClusterConfig config, String address,
      ScheduledExecutorService scheduler, Consumer<HashRing> onRing, Runnable onLost, Runnable onRegistered) {
    this.client = client;
    this.config = config;
    this.leftPrefix = Registration.leftPrefix(config);
    this.onRegistered = onRegistered;
    this.registration = new Registration(newClient, config, address, scheduler, onLost, this::registeredAgain);
    this.view = new MembersView(client, views, config, registration, scheduler, onRing);
  }

  /** A new incarnation registered: its view must show it before it may serve. */
  private void registeredAgain() {
    onRegistered.run();
    view.refresh();
  }

  /**
   * Takes a lease and registers (a client only takes the lease, for what it announces), then
   * starts watching; returns once the ring is known.
   */
  void join() throws Exception {
    registration.start();
    view.start();
  }

  long leaseId() {
    return registration.leaseId();
  }

  /** This incarnation's name in the members' views: its lease, in hex. */
  String incarnation() {
    return registration.incarnation();
  }

  /** Whether this member's lease is certainly alive now, so that it may serve the keys it owns. */
  boolean leaseProven() {
    return registration.leaseProven();
  }

  HashRing ring() {
    return view.ring();
  }

  /** The newest etcd revision the members were read at: at least the ring's epoch. */
  long revision() {
    return view.revision();
  }

  /** Reads the members again from etcd; a caller told NOT_OWNER uses it to catch up. */
  void refresh() {
    view.refresh();
  }

  /**
   * Reads the members again unless this member has already read them at {@code epoch} or later;
   * returns whether it has now.
   */
  boolean catchUp(long epoch, long timeoutMillis) {
    return view.catchUp(epoch, timeoutMillis);
  }

  /**
   * Leaves: stops the keepalive, says that this incarnation left on purpose (after handing
   * everything over), and revokes the lease, which removes us from every ring at once.
   */
  void leave() {
    registration.leave();
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
    registration.close();
  }
}
