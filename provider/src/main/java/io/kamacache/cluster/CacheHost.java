package io.kamacache.cluster;

import io.kamacache.group.Group;

/** What a cluster node needs from the cache manager it serves. */
public interface CacheHost {

  /** The local Group of the named cache, or null when this member has no such cache. */
  Group<Object, Object> group(String name);

  /** A cache definition appeared in the cluster: create the cache here if it is missing. */
  void defined(String name, byte[] configuration);

  /** A cache definition was removed from the cluster: close the cache here. */
  void undefined(String name);

  ClassLoader classLoader();
}
