package io.kamacache.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamacache.codec.Copier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * EventDispatcher and Registration: per-key order on a shared pool, synchronous listeners done
 * before the caller goes on, which events a listener's interfaces and filter let through, and
 * what it sees of old values.
 */
class EventDispatchTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final EventDispatcher<String, String> dispatcher = new EventDispatcher<>(pool, Copier.BY_REFERENCE);
  private final List<String> seen = new CopyOnWriteArrayList<>();
  /** One permit per event delivered, so a test waits for deliveries instead of polling. */
  private final Semaphore delivered = new Semaphore(0);

  EventDispatchTest() {
    dispatcher.setSource(source());
  }

  @AfterEach
  void stop() {
    dispatcher.close();
    pool.shutdownNow();
  }

  @SuppressWarnings("unchecked")
  private static Cache<String, String> source() {
    return (Cache<String, String>) Proxy.newProxyInstance(Cache.class.getClassLoader(), new Class<?>[] {Cache.class},
        (proxy, method, arguments) -> method.getName().equals("toString") ? "source" : null);
  }

  /** Logs every event as "TYPE key value old available". */
  private class AllEvents implements CacheEntryCreatedListener<String, String>, CacheEntryUpdatedListener<String, String>,
      CacheEntryRemovedListener<String, String>, CacheEntryExpiredListener<String, String> {
    @Override public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      log(events);
    }

    @Override public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      log(events);
    }

    @Override public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      log(events);
    }

    @Override public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      log(events);
    }

    void log(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> event : events) {
        seen.add(event.getEventType() + " " + event.getKey() + " " + event.getValue() + " " + event.getOldValue()
            + " " + event.isOldValueAvailable());
        delivered.release();
      }
    }
  }

  private static MutableCacheEntryListenerConfiguration<String, String> configuration(
      CacheEntryListener<String, String> listener, CacheEntryEventFilter<String, String> filter,
      boolean oldValueRequired, boolean synchronous) {
    Factory<CacheEntryListener<? super String, ? super String>> listeners = () -> listener;
    Factory<CacheEntryEventFilter<? super String, ? super String>> filters = filter == null ? null : () -> filter;
    return new MutableCacheEntryListenerConfiguration<>(listeners, filters, oldValueRequired, synchronous);
  }

  private void publishAllFour() {
    dispatcher.publish(EventType.CREATED, "k", "a", null);
    dispatcher.publish(EventType.UPDATED, "k", "b", "a");
    dispatcher.publish(EventType.REMOVED, "k", null, "b");
    dispatcher.publish(EventType.EXPIRED, "j", null, "x");
    EventDispatcher.awaitSynchronous();
  }

  @Test
  void oneKeysEventsArriveInTheOrderTheyWerePublished() throws InterruptedException {
    dispatcher.register(configuration(new AllEvents(), null, true, false));
    int events = 5_000;
    dispatcher.publish(EventType.CREATED, "k", "0", null);
    for (int i = 1; i < events; i++) {
      dispatcher.publish(EventType.UPDATED, "k", String.valueOf(i), String.valueOf(i - 1));
    }

    assertThat(delivered.tryAcquire(events, 30, TimeUnit.SECONDS)).as("every event delivered").isTrue();
    List<Integer> values = new ArrayList<>();
    for (String event : seen) {
      values.add(Integer.valueOf(event.split(" ")[2]));
    }
    assertThat(values).hasSize(events).isSorted();
  }

  @Test
  void synchronousListenersHaveRunWhenTheCallerStopsWaiting() {
    dispatcher.register(configuration(new AllEvents() {
      @Override void log(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        super.log(events);
      }
    }, null, true, true));

    dispatcher.publish(EventType.CREATED, "k", "a", null);
    EventDispatcher.awaitSynchronous();

    assertThat(seen).containsExactly("CREATED k a null false");
  }

  @Test
  void aSynchronousListenersFailureReachesTheCaller() {
    CacheEntryCreatedListener<String, String> failing = events -> {
      throw new IllegalStateException("listener broke");
    };
    dispatcher.register(configuration(failing, null, false, true));

    dispatcher.publish(EventType.CREATED, "k", "a", null);

    assertThatThrownBy(EventDispatcher::awaitSynchronous).isInstanceOf(CacheEntryListenerException.class)
        .hasRootCauseMessage("listener broke");
    EventDispatcher.awaitSynchronous(); // the failure is reported once
  }

  @Test
  void withOldValuesRequiredUpdatesCarryTheOldValueAndRemovalsCarryItAsTheValue() {
    dispatcher.register(configuration(new AllEvents(), null, true, true));
    publishAllFour();
    assertThat(seen).containsExactly("CREATED k a null false", "UPDATED k b a true", "REMOVED k b b true",
        "EXPIRED j x x true");
  }

  @Test
  void withoutOldValuesRequiredNoEventCarriesOne() {
    dispatcher.register(configuration(new AllEvents(), null, false, true));
    publishAllFour();
    assertThat(seen).containsExactly("CREATED k a null false", "UPDATED k b null false", "REMOVED k null null false",
        "EXPIRED j null null false");
  }

  @Test
  void aListenerGetsOnlyTheTypesItImplements() {
    CacheEntryRemovedListener<String, String> removals = events -> events.forEach(
        event -> seen.add(event.getEventType() + " " + event.getKey()));
    dispatcher.register(configuration(removals, null, false, true));
    publishAllFour();
    assertThat(seen).containsExactly("REMOVED k");
  }

  @Test
  void theFilterSeesTheEventAsTheListenerWouldAndDropsWhatItRefuses() {
    List<String> filtered = new CopyOnWriteArrayList<>();
    CacheEntryEventFilter<String, String> onlyK = event -> {
      filtered.add(event.getEventType() + " " + event.getKey() + " " + event.getOldValue());
      return event.getKey().equals("k");
    };
    dispatcher.register(configuration(new AllEvents(), onlyK, true, true));
    publishAllFour();

    assertThat(filtered).containsExactly("CREATED k null", "UPDATED k a", "REMOVED k b", "EXPIRED j x");
    assertThat(seen).containsExactly("CREATED k a null false", "UPDATED k b a true", "REMOVED k b b true");
  }

  @Test
  void anEqualConfigurationCannotBeRegisteredTwiceAndDeregistersByEquality() {
    MutableCacheEntryListenerConfiguration<String, String> configuration =
        configuration(new AllEvents(), null, true, true);
    dispatcher.register(configuration);
    assertThatThrownBy(() -> dispatcher.register(configuration)).isInstanceOf(IllegalArgumentException.class);
    assertThat(dispatcher.localListeners()).isEqualTo(1);

    dispatcher.deregister(new MutableCacheEntryListenerConfiguration<>(configuration));
    assertThat(dispatcher.isEmpty()).isTrue();
    publishAllFour();
    assertThat(seen).isEmpty();
  }

  @Test
  void forwardedEventsAreNeverForwardedAgain() {
    List<String> forwarded = new CopyOnWriteArrayList<>();
    CacheEntryCreatedListener<String, String> forwarder = events -> events.forEach(
        event -> forwarded.add(event.getKey()));
    dispatcher.registerForwarder(configuration(forwarder, null, false, true));
    dispatcher.register(configuration(new AllEvents(), null, false, true));

    dispatcher.publish(EventType.CREATED, "mine", "a", null);
    dispatcher.publishForwarded(EventType.CREATED, "theirs", "b", null);
    EventDispatcher.awaitSynchronous();

    assertThat(forwarded).containsExactly("mine");
    assertThat(seen).containsExactly("CREATED mine a null false", "CREATED theirs b null false");
    assertThat(dispatcher.localListeners()).isEqualTo(1);
    assertThat(dispatcher.hasSynchronousListeners()).isTrue();
  }
}
