package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import io.grpc.StatusRuntimeException;
import io.kamacache.event.EventDispatcher;
import io.kamacache.group.Group;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.Event;
import io.kamacache.proto.v1.EventsRequest;
import io.kamacache.proto.v1.Header;
import io.kamacache.transport.RemoteErrors;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/**
 * Cluster-wide listeners. A member with listeners on a cache says so in etcd
 * ({@code /<prefix>/<cluster>/listeners/<cache>/<member>}, under its lease); every other member,
 * as owner of its keys, then forwards that cache's events to it through a forwarding registration
 * in its own dispatcher. The forwarder is an ordinary registration, so one key's events reach the
 * listening member in order, and when the listening member has synchronous listeners the owner
 * waits for them before its operation returns.
 */
final class ListenerRelay implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ListenerRelay.class.getName());

  private final Peers peers;
  private final CacheHost host;
  private final Client client;
  private final String prefix;
  private final PrefixView view;
  /** cache -> member -> synchronous? , as announced in etcd. */
  private volatile Map<String, Map<String, Boolean>> wanted = Map.of();
  /** What this member announced: cache -> synchronous?. */
  private final Map<String, Boolean> announced = new ConcurrentHashMap<>();
  /** Forwarders installed here: cache -> member -> configuration, for the Group they were installed in. */
  private final Map<String, Map<String, MutableCacheEntryListenerConfiguration<Object, Object>>> installed =
      new ConcurrentHashMap<>();
  /** The Group each cache's forwarders live in: a cache destroyed and created again starts afresh. */
  private final Map<String, Group<Object, Object>> installedIn = new ConcurrentHashMap<>();

  ListenerRelay(Peers peers, CacheHost host, Client client, String prefix) {
    this.peers = peers;
    this.host = host;
    this.client = client;
    this.prefix = prefix;
    this.view = new PrefixView(client, prefix, this::onAnnouncements);
  }

  void start(long timeoutMillis) throws Exception {
    view.start(timeoutMillis);
  }

  void reread(long timeoutMillis) throws Exception {
    view.reread(timeoutMillis);
  }

  /** Announces (or withdraws) this member's interest in a cache's events; returns whether it changed. */
  boolean localListenersChanged(String cache, EventDispatcher<?, ?> events) {
    int count = events.localListeners();
    if (count == 0) {
      if (announced.remove(cache) != null) {
        try {
          client.getKVClient().delete(PrefixView.bytes(key(cache, peers.memberId())))
              .get(peers.config().timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          LOG.log(System.Logger.Level.WARNING, "withdrawing listeners of ''{0}'' failed: {1}", cache, e.toString());
        }
        return true;
      }
      return false;
    }
    boolean synchronous = events.hasSynchronousListeners();
    Boolean before = announced.put(cache, synchronous);
    if (before != null && before == synchronous) {
      return false;
    }
    put(cache, synchronous);
    return true;
  }

  /** After a new registration (a new lease), announce everything again under it. */
  void reannounce() {
    announced.forEach(this::put);
  }

  private void put(String cache, boolean synchronous) {
    try {
      client.getKVClient().put(PrefixView.bytes(key(cache, peers.memberId())),
          PrefixView.bytes("synchronous=" + synchronous),
          PutOption.builder().withLeaseId(peers.leaseId()).build())
          .get(peers.config().timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new CacheException("cannot announce the listeners of cache '" + cache + "' in etcd: " + e, e);
    }
  }

  private String key(String cache, String member) {
    return prefix + cache + "/" + member;
  }

  private void onAnnouncements(Map<String, PrefixView.Entry> entries, long revision) {
    Map<String, Map<String, Boolean>> next = new HashMap<>();
    for (Map.Entry<String, PrefixView.Entry> entry : entries.entrySet()) {
      int slash = entry.getKey().lastIndexOf('/');
      // Members announce under their lease, so an announcement goes when its member does; one
      // written without a lease is nobody's and would have owners send events forever.
      if (slash <= 0 || entry.getValue().lease() == 0) {
        continue;
      }
      String cache = entry.getKey().substring(0, slash);
      String member = entry.getKey().substring(slash + 1);
      boolean synchronous = entry.getValue().text().contains("synchronous=true");
      next.computeIfAbsent(cache, c -> new HashMap<>()).put(member, synchronous);
    }
    wanted = next;
    for (String cache : installedOrWanted(next)) {
      reconcile(cache);
    }
  }

  private Set<String> installedOrWanted(Map<String, Map<String, Boolean>> next) {
    Set<String> caches = new HashSet<>(installed.keySet());
    caches.addAll(next.keySet());
    return caches;
  }

  /** Installs and removes forwarders so that exactly the announcing members get events. */
  synchronized void reconcile(String cache) {
    Group<Object, Object> group = host.group(cache);
    if (group == null || installedIn.get(cache) != group) {
      installed.remove(cache);
      installedIn.remove(cache);
      if (group == null) {
        return;
      }
      installedIn.put(cache, group);
    }
    Map<String, MutableCacheEntryListenerConfiguration<Object, Object>> here =
        installed.computeIfAbsent(cache, c -> new ConcurrentHashMap<>());
    Map<String, Boolean> members = wanted.getOrDefault(cache, Map.of());
    for (Map.Entry<String, MutableCacheEntryListenerConfiguration<Object, Object>> entry : Map.copyOf(here).entrySet()) {
      Boolean synchronous = members.get(entry.getKey());
      if (synchronous == null || synchronous != entry.getValue().isSynchronous()) {
        group.events().deregister(entry.getValue());
        here.remove(entry.getKey());
      }
    }
    for (Map.Entry<String, Boolean> member : members.entrySet()) {
      if (member.getKey().equals(peers.memberId()) || here.containsKey(member.getKey())) {
        continue;
      }
      Forwarder forwarder = new Forwarder(cache, member.getKey(), member.getValue());
      Factory<CacheEntryListener<? super Object, ? super Object>> factory = () -> forwarder;
      MutableCacheEntryListenerConfiguration<Object, Object> configuration =
          new MutableCacheEntryListenerConfiguration<>(factory, null, true, member.getValue());
      group.events().registerForwarder(configuration);
      here.put(member.getKey(), configuration);
    }
  }

  /** Sends one owner's events to one listening member. */
  private final class Forwarder implements CacheEntryCreatedListener<Object, Object>,
      CacheEntryUpdatedListener<Object, Object>, CacheEntryRemovedListener<Object, Object>,
      CacheEntryExpiredListener<Object, Object> {
    private final String cache;
    private final String member;
    private final boolean synchronous;

    Forwarder(String cache, String member, boolean synchronous) {
      this.cache = cache;
      this.member = member;
      this.synchronous = synchronous;
    }

    @Override public void onCreated(Iterable<CacheEntryEvent<?, ?>> events) {
      send(events);
    }

    @Override public void onUpdated(Iterable<CacheEntryEvent<?, ?>> events) {
      send(events);
    }

    @Override public void onRemoved(Iterable<CacheEntryEvent<?, ?>> events) {
      send(events);
    }

    @Override public void onExpired(Iterable<CacheEntryEvent<?, ?>> events) {
      send(events);
    }

    private void send(Iterable<CacheEntryEvent<?, ?>> events) {
      HashRing ring = peers.ring();
      HashRing.Member target = ring.members().get(member);
      if (target == null) {
        return; // it left; its listeners left with it
      }
      EventsRequest.Builder request = EventsRequest.newBuilder().setSynchronous(synchronous)
          .setHeader(Header.newBuilder().setCache(cache).setEpoch(peers.epoch()).setSender(peers.memberId()));
      for (CacheEntryEvent<?, ?> event : events) {
        Event.Builder message = Event.newBuilder().setType(Event.Type.valueOf(event.getEventType().name()))
            .setKey(bytes(event.getKey()));
        if (event.getEventType() == EventType.CREATED || event.getEventType() == EventType.UPDATED) {
          message.setValue(bytes(event.getValue()));
        }
        if (event.getOldValue() != null && event.getEventType() != EventType.CREATED) {
          message.setOldValue(bytes(event.getOldValue()));
        }
        request.addEvents(message);
      }
      try {
        DoneResponse response = peers.stub(target).events(request.build());
        if (response.hasError() && synchronous) {
          RuntimeException failure = RemoteErrors.toException(response.getError());
          throw failure instanceof CacheEntryListenerException ? (CacheEntryListenerException) failure
              : new CacheEntryListenerException(failure);
        }
      } catch (StatusRuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "forwarding events to {0} failed: {1}", target, e.getStatus());
      }
    }

    private ByteString bytes(Object value) {
      return ByteString.copyFrom(peers.codec().encode(value));
    }
  }

  @Override
  public void close() {
    view.close();
  }
}
