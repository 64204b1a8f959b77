package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.codec.WireCodec;
import io.kamacache.testsupport.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A listener registered on one member hears every key's events, wherever the key is owned. */
class ClusterListenersTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private Members members;
  private List<CacheManager> managers;
  private final List<String> heard = new CopyOnWriteArrayList<>();

  /** Records "TYPE key value old". */
  private final class Recorder implements CacheEntryCreatedListener<String, String>,
      CacheEntryUpdatedListener<String, String>, CacheEntryRemovedListener<String, String>,
      CacheEntryExpiredListener<String, String> {
    private void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> event : events) {
        heard.add(event.getEventType() + " " + event.getKey() + " " + event.getValue() + " " + event.getOldValue());
      }
    }

    @Override public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }
  }

  @BeforeEach
  void start() {
    members = new Members(etcd.endpoint());
    managers = new ArrayList<>(members.openAll("l1", "l2", "l3"));
  }

  @AfterEach
  void stop() {
    members.close();
  }

  private Cache<String, String> listenedOnFirst(MutableConfiguration<String, String> configuration) {
    Cache<String, String> cache = managers.get(0).createCache("listened", configuration);
    Recorder recorder = new Recorder();
    Factory<CacheEntryListener<? super String, ? super String>> factory = () -> recorder;
    cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(factory, null, true, true));
    return cache;
  }

  /** A key owned by the given member. */
  private String keyOwnedBy(String member) {
    WireCodec codec = new WireCodec(List.of());
    HashRing ring = Members.node(managers.get(0)).ring();
    for (int i = 0; ; i++) {
      if (ring.owner(codec.encode("key" + i)).id().equals(member)) {
        return "key" + i;
      }
    }
  }

  private void awaitForwarding() {
    // Every other member has installed its forwarder once it has read our announcement.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String probe = keyOwnedBy("l3");
    Cache<String, String> viaThird = Members.awaitCache(managers.get(2), "listened");
    while (true) {
      viaThird.put(probe, "probe");
      viaThird.remove(probe);
      if (heard.contains("REMOVED " + probe + " probe probe")) {
        heard.clear();
        return;
      }
      assertThat(System.nanoTime()).as("forwarding set up in time").isLessThan(deadline);
    }
  }

  @Test
  void aSynchronousListenerOnOneMemberHearsEveryOwnersEventsBeforeTheOperationReturns() {
    listenedOnFirst(new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    awaitForwarding();
    Cache<String, String> viaSecond = Members.awaitCache(managers.get(1), "listened");
    for (String owner : List.of("l1", "l2", "l3")) {
      String key = keyOwnedBy(owner);
      viaSecond.put(key, "v1");
      assertThat(heard).as("synchronous: heard before put returned").contains("CREATED " + key + " v1 null");
      viaSecond.put(key, "v2");
      viaSecond.remove(key);
      assertThat(heard).containsSubsequence("CREATED " + key + " v1 null", "UPDATED " + key + " v2 v1",
          "REMOVED " + key + " v2 v2");
    }
    assertThat(heard).hasSize(9);
  }

  @Test
  void aListenerDeclaredInTheConfigurationHearsEveryOwner() {
    Recorder recorder = new Recorder();
    Factory<CacheEntryListener<? super String, ? super String>> factory = () -> recorder;
    managers.get(0).createCache("listened", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(factory, null, true, true)));
    Cache<String, String> viaFirst = managers.get(0).getCache("listened", String.class, String.class);
    for (String owner : List.of("l1", "l2", "l3")) {
      String key = keyOwnedBy(owner);
      viaFirst.put(key, "v");
      assertThat(heard).as("owner %s", owner).contains("CREATED " + key + " v null");
    }
  }

  @Test
  void expiredEventsComeFromTheOwnersTtlWalker() {
    listenedOnFirst(new MutableConfiguration<String, String>().setTypes(String.class, String.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 300))));
    awaitForwarding();
    Cache<String, String> viaThird = Members.awaitCache(managers.get(2), "listened");
    String key = keyOwnedBy("l2");
    viaThird.put(key, "short-lived");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!heard.contains("EXPIRED " + key + " short-lived short-lived")) {
      assertThat(System.nanoTime()).as("EXPIRED heard without any read").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void theRegistrationSurvivesAMemberJoining() {
    listenedOnFirst(new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    awaitForwarding();
    CacheManager fourth = members.open("l4", Map.of());
    managers.add(fourth);
    Members.awaitRingSize(managers, 4);
    Cache<String, String> viaFourth = Members.awaitCache(fourth, "listened");
    String key = keyOwnedBy("l4");
    viaFourth.put(key, "new-owner");
    assertThat(heard).contains("CREATED " + key + " new-owner null");
  }
}
