package io.kamacache.cluster;

import java.io.Serializable;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;

/** A listener that does nothing, in a package the test members allow: registering it is the point. */
public final class QuietListener implements CacheEntryCreatedListener<Object, Object>, Serializable {
  private static final long serialVersionUID = 1L;

  @Override public void onCreated(Iterable<CacheEntryEvent<?, ?>> events) {}
}
