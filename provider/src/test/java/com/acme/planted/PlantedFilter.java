package com.acme.planted;

import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;

/** As {@link PlantedLoader}, for the filter of a listener configuration. */
public final class PlantedFilter implements CacheEntryEventFilter<Object, Object> {

  public static final AtomicInteger INSTANCES = new AtomicInteger();

  public PlantedFilter() {
    INSTANCES.incrementAndGet();
  }

  @Override public boolean evaluate(CacheEntryEvent<?, ?> event) {
    return true;
  }
}
