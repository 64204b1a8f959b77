package io.kamacache.configuration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryListener;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** The keys of one cache or template in the file, read into {@link CacheSettings}. */
final class CacheKeys {

  static final List<String> KEYS = List.of("key-type", "value-type", "capacity", "expiry", "expiry-policy-factory",
      "store-by-value", "statistics", "management", "backups", "near-cache", "near-cache-max-age", "read-through",
      "loader-factory", "write-through", "writer-factory", "listeners");

  static final List<String> EXPIRY_KINDS = List.of("created", "accessed", "modified", "touched");

  static final String ETERNAL = "eternal";

  static final List<String> LISTENER_KEYS =
      List.of("listener-factory", "filter-factory", "old-value-required", "synchronous");

  /** As {@code KamaConfiguration.setBackups} allows: more copies than this cost more than they protect. */
  static final int MAX_BACKUPS = 6;

  private final Nodes nodes;
  private final ClassNames classes;

  CacheKeys(Nodes nodes, ClassNames classes) {
    this.nodes = nodes;
    this.classes = classes;
  }

  CacheSettings read(Node node, String path) {
    Map<String, Nodes.Entry> keys = nodes.entries(node, path, KEYS);
    Nodes.Entry expiry = keys.get("expiry");
    Nodes.Entry expiryFactory = keys.get("expiry-policy-factory");
    if (expiry != null && expiryFactory != null) {
      throw nodes.problems().at(expiryFactory.keyNode(), expiryFactory.path(),
          "give either expiry or expiry-policy-factory, not both (expiry is at " + nodes.problems().where(expiry.keyNode())
          + ")");
    }
    Factory<ExpiryPolicy> expiryPolicy = expiry != null ? expiry(expiry)
        : expiryFactory == null ? null : classes.factory(expiryFactory.value(), expiryFactory.path(),
            nodes.text(expiryFactory), ExpiryPolicy.class);
    return new CacheSettings(
        type(keys.get("key-type")),
        type(keys.get("value-type")),
        keys.containsKey("capacity") ? nodes.whole(keys.get("capacity"), 1, Long.MAX_VALUE) : null,
        expiryPolicy,
        bool(keys.get("store-by-value")),
        bool(keys.get("statistics")),
        bool(keys.get("management")),
        keys.containsKey("backups") ? (int) nodes.whole(keys.get("backups"), 0, MAX_BACKUPS) : null,
        keys.containsKey("near-cache") ? nodes.whole(keys.get("near-cache"), 0, Long.MAX_VALUE) : null,
        keys.containsKey("near-cache-max-age") ? Durations.toJava(nodes.duration(keys.get("near-cache-max-age"))) : null,
        bool(keys.get("read-through")),
        factory(keys.get("loader-factory"), CacheLoader.class),
        bool(keys.get("write-through")),
        factory(keys.get("writer-factory"), CacheWriter.class),
        listeners(keys.get("listeners")));
  }

  private Boolean bool(Nodes.Entry entry) {
    return entry == null ? null : nodes.bool(entry);
  }

  private Class<?> type(Nodes.Entry entry) {
    return entry == null ? null : classes.type(entry.value(), entry.path(), nodes.text(entry));
  }

  private <T> Factory<T> factory(Nodes.Entry entry, Class<?> product) {
    return entry == null ? null : classes.factory(entry.value(), entry.path(), nodes.text(entry), product);
  }

  /** {@code eternal}, or a mapping with exactly one of the four kinds of JSR-107's expiry policies. */
  private Factory<ExpiryPolicy> expiry(Nodes.Entry entry) {
    Node value = entry.value();
    if (value instanceof ScalarNode && !Nodes.isNull(value)) {
      String text = nodes.text(entry);
      if (text.equals(ETERNAL)) {
        return EternalExpiryPolicy.factoryOf();
      }
      throw nodes.problems().at(value, entry.path(), "expected 'eternal' or one of " + EXPIRY_KINDS
          + " with a duration (expiry: { accessed: 30m }), was '" + text + "'");
    }
    Map<String, Nodes.Entry> kinds = nodes.entries(value, entry.path(), EXPIRY_KINDS);
    if (kinds.size() != 1) {
      throw nodes.problems().at(value, entry.path(), "give exactly one of " + EXPIRY_KINDS + ", found "
          + (kinds.isEmpty() ? "none" : kinds.keySet()));
    }
    Nodes.Entry kind = kinds.values().iterator().next();
    Duration duration = nodes.duration(kind);
    return switch (kind.key()) {
      case "created" -> CreatedExpiryPolicy.factoryOf(duration);
      case "accessed" -> AccessedExpiryPolicy.factoryOf(duration);
      case "modified" -> ModifiedExpiryPolicy.factoryOf(duration);
      default -> TouchedExpiryPolicy.factoryOf(duration);
    };
  }

  private List<CacheEntryListenerConfiguration<Object, Object>> listeners(Nodes.Entry entry) {
    if (entry == null) {
      return null;
    }
    if (!(entry.value() instanceof SequenceNode sequence)) {
      throw nodes.problems().at(entry.value(), entry.path(), "expected a list of listeners (- listener-factory: ...),"
          + " found " + Nodes.describe(entry.value()));
    }
    List<CacheEntryListenerConfiguration<Object, Object>> listeners = new ArrayList<>();
    for (int i = 0; i < sequence.getValue().size(); i++) {
      String path = entry.path() + "[" + i + "]";
      Map<String, Nodes.Entry> keys = nodes.entries(sequence.getValue().get(i), path, LISTENER_KEYS);
      Nodes.Entry listener = keys.get("listener-factory");
      if (listener == null) {
        throw nodes.problems().at(sequence.getValue().get(i), path, "a listener needs listener-factory");
      }
      Factory<CacheEntryListener<Object, Object>> listenerFactory = factory(listener, CacheEntryListener.class);
      Factory<CacheEntryEventFilter<Object, Object>> filterFactory =
          factory(keys.get("filter-factory"), CacheEntryEventFilter.class);
      Boolean oldValue = bool(keys.get("old-value-required"));
      Boolean synchronous = bool(keys.get("synchronous"));
      listeners.add(new MutableCacheEntryListenerConfiguration<>(listenerFactory, filterFactory,
          oldValue != null && oldValue, synchronous != null && synchronous));
    }
    return listeners;
  }
}
