package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.planted.PlantedFilter;
import com.acme.planted.PlantedLoader;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.PutOption;
import io.kamacache.codec.WireCodec;
import io.kamacache.jcache.KamaConfiguration;
import io.kamacache.testsupport.EtcdExtension;
import io.kamacache.testsupport.MemberProcess;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What someone who can write to etcd, or an operator's mistake, cannot do to a running cluster:
 * take over a member's id, slip a member into the ring, clear a cache by rewriting its definition,
 * or make members instantiate a class the serialization allow-list does not admit.
 */
class EtcdTamperingTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private Members members;
  private Client admin;
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override public void publish(LogRecord record) {
      logged.add(record);
    }

    @Override public void flush() {}

    @Override public void close() {}
  };
  /** Held, so that the handlers stay on loggers that are otherwise only weakly referenced. */
  private final List<Logger> loggers = List.of(Logger.getLogger(Membership.class.getName()),
      Logger.getLogger(ClusterNode.class.getName()));

  @BeforeEach
  void start() {
    members = new Members(etcd.endpoint());
    admin = Client.builder().endpoints(etcd.endpoint()).build();
    loggers.forEach(logger -> logger.addHandler(capture));
  }

  @AfterEach
  void stop() {
    loggers.forEach(logger -> logger.removeHandler(capture));
    members.close();
    admin.close();
  }

  private String key(String section, String name) {
    return "/kamacache/" + members.cluster() + "/" + section + "/" + name;
  }

  private KeyValue read(String key) throws Exception {
    List<KeyValue> found = admin.getKVClient().get(PrefixView.bytes(key)).get(10, TimeUnit.SECONDS).getKvs();
    return found.isEmpty() ? null : found.get(0);
  }

  private long put(String key, byte[] value, long lease) throws Exception {
    return admin.getKVClient().put(PrefixView.bytes(key), ByteSequence.from(value),
        PutOption.builder().withLeaseId(lease).build()).get(10, TimeUnit.SECONDS).getHeader().getRevision();
  }

  private long put(String key, String value, long lease) throws Exception {
    return put(key, value.getBytes(StandardCharsets.UTF_8), lease);
  }

  /** Log messages at {@code level} or above, formatted, that mention every one of {@code words}. */
  private List<String> logs(Level level, String... words) {
    return logged.stream()
        .filter(record -> record.getLevel().intValue() >= level.intValue())
        .map(record -> new SimpleFormatter().formatMessage(record))
        .filter(message -> List.of(words).stream().allMatch(message::contains))
        .toList();
  }

  /** Waits until every member has read the members prefix at {@code revision} or later. */
  private static void awaitEpoch(List<CacheManager> managers, long revision) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!managers.stream().allMatch(m -> Members.node(m).mxbean().getEpoch() >= revision)) {
      assertThat(System.nanoTime()).as("members read revision " + revision).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  // ---- members

  @Test
  void aSecondProcessWithARegisteredMemberIdRefusesToStartAndTheFirstKeepsItsPositions() throws Exception {
    List<CacheManager> running = members.openAll("a", "b");
    CacheManager a = running.get(0);
    CacheManager b = running.get(1);
    KeyValue registered = read(key("members", "a"));
    HashRing.Member before = Members.node(b).ring().members().get("a");
    Cache<String, String> cache = a.createCache("positions", new MutableConfiguration<String, String>());
    for (int i = 0; i < 40; i++) {
      cache.put("k" + i, "v" + i);
    }

    long started = System.nanoTime();
    assertThatThrownBy(() -> MemberProcess.start(members.settings("a", Map.of())).close())
        .hasStackTraceContaining("member id 'a' is already registered")
        .hasStackTraceContaining(Members.node(a).address())
        .hasStackTraceContaining(ClusterConfig.MEMBER_ID);
    System.out.println("duplicate member id refused after "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");

    KeyValue after = read(key("members", "a"));
    assertThat(after.getLease()).as("the registration's lease").isEqualTo(registered.getLease());
    assertThat(after.getModRevision()).as("the registration was not written again").isEqualTo(registered.getModRevision());
    for (CacheManager manager : running) {
      assertThat(Members.node(manager).ring().members().keySet()).isEqualTo(Set.of("a", "b"));
      assertThat(Members.node(manager).ring().members().get("a")).isEqualTo(before);
      Cache<String, String> view = Members.awaitCache(manager, "positions");
      for (int i = 0; i < 40; i++) {
        assertThat(view.get("k" + i)).isEqualTo("v" + i);
      }
    }
  }

  @Test
  void aMemberStartedRightAfterItsProcessDiedWaitsForTheOldRegistrationToExpire() throws Exception {
    // What a SIGKILLed member with this id leaves behind: its registration, under a lease nobody renews.
    long lease = admin.getLeaseClient().grant(2).get(10, TimeUnit.SECONDS).getID();
    put(key("members", "a"), "address=127.0.0.1:9;incarnation=" + Long.toHexString(lease), lease);

    long started = System.nanoTime();
    CacheManager a = members.open("a");
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    System.out.println("restart with a dead registration: joined after " + took + " ms");

    HashRing.Member self = Members.node(a).ring().members().get("a");
    assertThat(self.address()).isEqualTo(Members.node(a).address());
    assertThat(self.incarnation()).isNotEqualTo(Long.toHexString(lease));
    assertThat(read(key("members", "a")).getLease()).isEqualTo(Members.node(a).mxbean().getLeaseId());
  }

  @Test
  void memberKeysWrittenWithoutALeaseOrMalformedStayOutOfTheRingWithOneWarningEach() throws Exception {
    List<CacheManager> running = members.openAll("a", "b");
    long lease = admin.getLeaseClient().grant(60).get(10, TimeUnit.SECONDS).getID();
    put(key("members", "ghost"), "address=127.0.0.1:7;incarnation=0", 0);
    put(key("members", "junk"), "not a registration", lease);
    put(key("members", "mask"), "address=127.0.0.1:8;incarnation=" + Long.toHexString(lease + 1), lease);
    long revision = put(key("members", "noport"), "address=127.0.0.1;incarnation=" + Long.toHexString(lease), lease);
    awaitEpoch(running, revision);
    for (CacheManager manager : running) {
      assertThat(Members.node(manager).ring().members().keySet()).isEqualTo(Set.of("a", "b"));
    }

    // A member that joins now reads them in its first view, and the others rebuild theirs: still out.
    CacheManager c = members.open("c");
    Members.awaitRingSize(List.of(running.get(0), running.get(1), c), 3);
    for (CacheManager manager : List.of(running.get(0), running.get(1), c)) {
      assertThat(Members.node(manager).ring().members().keySet()).isEqualTo(Set.of("a", "b", "c"));
    }
    Members.assertShareACache(running.get(0), c, "unhaunted", 30);

    assertThat(logs(Level.WARNING, "members/ghost", "without a lease")).as("one warning per member").hasSize(3);
    assertThat(logs(Level.WARNING, "members/junk", "not address=host:port")).hasSize(3);
    assertThat(logs(Level.WARNING, "members/mask", "is not the lease")).hasSize(3);
    assertThat(logs(Level.WARNING, "members/noport")).hasSize(3);
    admin.getLeaseClient().revoke(lease).get(10, TimeUnit.SECONDS);
  }

  // ---- cache definitions

  @Test
  void aDefinitionWrittenOverInPlaceIsIgnoredAndTheCacheKeepsItsEntries() throws Exception {
    List<CacheManager> running = members.openAll("a", "b");
    Cache<String, String> cache = running.get(0).createCache("kept", new MutableConfiguration<String, String>());
    for (int i = 0; i < 50; i++) {
      cache.put("k" + i, "v" + i);
    }
    Cache<String, String> onB = Members.awaitCache(running.get(1), "kept");
    KeyValue original = read(key("caches", "kept"));

    // Another configuration, written over the definition as a plain put would.
    byte[] other = Members.node(running.get(0)).codec().encode(new KamaConfiguration<String, String>(
        new MutableConfiguration<String, String>().setStatisticsEnabled(true).setStoreByValue(false)));
    put(key("caches", "kept"), other, 0);
    KeyValue overwritten = read(key("caches", "kept"));
    assertThat(overwritten.getVersion()).isEqualTo(2);
    assertThat(overwritten.getCreateRevision()).isEqualTo(original.getCreateRevision());
    for (CacheManager manager : running) {
      Members.node(manager).refreshViews(); // reads the definitions now, whatever the watch has done
    }

    for (CacheManager manager : running) {
      Cache<String, String> view = manager.getCache("kept");
      assertThat(view).as("the cache on " + Members.node(manager).memberId()).isSameAs(
          manager == running.get(0) ? cache : onB);
      assertThat(view.isClosed()).isFalse();
      assertThat(view.getConfiguration(MutableConfiguration.class).isStatisticsEnabled()).isFalse();
      for (int i = 0; i < 50; i++) {
        assertThat(view.get("k" + i)).isEqualTo("v" + i);
      }
    }
    assertThat(logs(Level.WARNING, "cache 'kept'", "written over in place", "version 2")).hasSize(2);

    // A member that joins later does not take the rewritten definition for the cache's.
    CacheManager c = members.open("c");
    Members.awaitRingSize(List.of(running.get(0), running.get(1), c), 3);
    assertThat(c.getCache("kept")).isNull();

    // destroyCache is still cluster-wide, and each member says what it dropped.
    running.get(0).destroyCache("kept");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (running.get(1).getCache("kept") != null) {
      assertThat(System.nanoTime()).as("destroyed on b").isLessThan(deadline);
      Thread.sleep(10);
    }
    assertThat(logs(Level.INFO, "cache 'kept' was deleted", "destroyed", "entries this member held")).isNotEmpty();
  }

  @Test
  void aDefinitionWithAClassFactoryOutsideTheAllowListIsRefusedAndNothingIsInstantiated() throws Exception {
    List<CacheManager> running = members.openAll("a", "b");
    PlantedLoader.INSTANCES.set(0);
    PlantedFilter.INSTANCES.set(0);

    // On the member that creates it, before anything reaches etcd.
    MutableConfiguration<Object, Object> local = new MutableConfiguration<Object, Object>()
        .setCacheLoaderFactory(FactoryBuilder.factoryOf(PlantedLoader.class)).setReadThrough(true);
    assertThatThrownBy(() -> running.get(0).createCache("local", local))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("cache 'local'")
        .hasMessageContaining("cache loader factory")
        .hasMessageContaining(PlantedLoader.class.getName())
        .hasMessageContaining(ClusterConfig.SERIALIZATION_ALLOW);
    assertThat(read(key("caches", "local"))).isNull();
    assertThat(running.get(0).getCache("local")).isNull();

    // Written into etcd directly, as only someone with write access to etcd can.
    WireCodec codec = Members.node(running.get(0)).codec(); // how members write definitions
    put(key("caches", "planted"), codec.encode(new KamaConfiguration<Object, Object>()
        .setCacheLoaderFactory(new FactoryBuilder.ClassFactory<>("com.acme.planted.PlantedLoader"))
        .setReadThrough(true)), 0);
    put(key("caches", "filtered"), codec.encode(new KamaConfiguration<Object, Object>()
        .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
            FactoryBuilder.factoryOf(QuietListener.class), new FactoryBuilder.ClassFactory<>(PlantedFilter.class.getName()),
            false, false))), 0);
    put(key("caches", "mistyped"), codec.encode(new KamaConfiguration<Object, Object>()
        .setExpiryPolicyFactory(new FactoryBuilder.ClassFactory<>("java.lang.Thread"))), 0);
    for (CacheManager manager : running) {
      Members.node(manager).refreshViews();
      Members.node(manager).refreshViews(); // once more: still one warning each
    }

    for (CacheManager manager : running) {
      assertThat(manager.getCache("planted")).isNull();
      assertThat(manager.getCache("filtered")).isNull();
      assertThat(manager.getCache("mistyped")).isNull();
    }
    assertThat(PlantedLoader.INSTANCES).hasValue(0);
    assertThat(PlantedFilter.INSTANCES).hasValue(0);
    assertThat(logs(Level.WARNING, "cache 'planted'", "com.acme.planted.PlantedLoader", ClusterConfig.SERIALIZATION_ALLOW))
        .hasSize(2);
    assertThat(logs(Level.WARNING, "cache 'filtered'", "cache entry event filter", PlantedFilter.class.getName()))
        .hasSize(2);
    assertThat(logs(Level.WARNING, "cache 'mistyped'", "java.lang.Thread", "not a javax.cache.expiry.ExpiryPolicy"))
        .hasSize(2);

    // A class factory of an allowed class of the right type is fine.
    Cache<String, String> allowed = running.get(0).createCache("allowed", new MutableConfiguration<String, String>()
        .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
            FactoryBuilder.factoryOf(QuietListener.class), null, false, false)));
    allowed.put("k", "v");
    assertThat(Members.awaitCache(running.get(1), "allowed").get("k")).isEqualTo("v");
  }
}
