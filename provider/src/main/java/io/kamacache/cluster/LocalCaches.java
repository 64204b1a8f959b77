package io.kamacache.cluster;

import io.kamacache.group.Group;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This member's caches as the node's parts see them: their Groups, their near caches, and whether
 * the node is open, before which the manager cannot create caches yet.
 */
final class LocalCaches {

  private final CacheHost host;
  private final CacheDefinitions definitions;
  /** The near caches of this member's caches, by cache name. */
  private final Map<String, NearCache<Object>> nearCaches = new ConcurrentHashMap<>();
  private volatile boolean open;

  LocalCaches(CacheHost host, CacheDefinitions definitions) {
    this.host = host;
    this.definitions = definitions;
  }

  boolean isOpen() {
    return open;
  }

  void open(boolean open) {
    this.open = open;
  }

  ClassLoader classLoader() {
    return host.classLoader();
  }

  /** The local Group of a cache, without asking etcd. */
  Group<Object, Object> localGroup(String name) {
    return host.group(name);
  }

  Group<Object, Object> group(String name) {
    Group<Object, Object> group = host.group(name);
    // Before open() the manager is still being built and cannot create caches yet; the first
    // read of the definitions, in open(), creates them all.
    if (group == null && open) {
      definitions.rereadForUnknownCache();
      group = host.group(name);
    }
    return group;
  }

  /** The near cache of a cache, or null if it has none here. */
  NearCache<Object> nearCache(String name) {
    return nearCaches.get(name);
  }

  /** How many copies each near cache holds. */
  Map<String, Long> nearCacheEntries() {
    Map<String, Long> entries = new TreeMap<>();
    nearCaches.forEach((name, near) -> entries.put(name, (long) near.size()));
    return entries;
  }

  void addNearCache(String name, NearCache<Object> near) {
    nearCaches.put(name, near);
  }

  /** A cache closed here: its near copies go with it. */
  void removeNearCache(String name) {
    nearCaches.remove(name);
  }

  /** Drops every near copy: ownership may have moved, or this member lost its lease. */
  void invalidateNearCaches() {
    for (NearCache<Object> near : nearCaches.values()) {
      near.invalidateAll();
    }
  }
}
