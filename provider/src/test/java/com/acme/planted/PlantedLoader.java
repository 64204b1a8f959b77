package com.acme.planted;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.integration.CacheLoader;

/**
 * A class on the members' class path, outside every package the serialization allow-list admits
 * by default, standing for any class an attacker would like members to instantiate: it counts
 * every instance made.
 */
public final class PlantedLoader implements CacheLoader<Object, Object> {

  public static final AtomicInteger INSTANCES = new AtomicInteger();

  public PlantedLoader() {
    INSTANCES.incrementAndGet();
  }

  @Override public Object load(Object key) {
    return "planted";
  }

  @Override public Map<Object, Object> loadAll(Iterable<?> keys) {
    return Map.of();
  }
}
