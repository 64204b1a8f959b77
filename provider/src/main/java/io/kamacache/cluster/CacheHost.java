package io.kamacache.cluster;

import io.kamacache.group.Group;
import java.util.Map;
import javax.cache.configuration.CompleteConfiguration;

/** What a cluster node needs from the cache manager it serves. */
public interface CacheHost {

  /** The local Group of the named cache, or null when this member has no such cache. */
  Group<Object, Object> group(String name);

  /** A cache definition appeared in the cluster: create the cache here if it is missing. */
  void defined(String name, byte[] configuration);

  /** A cache definition was removed from the cluster: close the cache here. */
  void undefined(String name);

  ClassLoader classLoader();

  // ---- for operators (issue 14): the admin Caches call

  /**
   * One open cache as operators see it: its configuration, with KamaCache's own settings resolved.
   *
   * @param capacity the entry bound, 0 when unbounded
   * @param backups the copies kept besides the owner's (the default resolved)
   * @param nearCapacity near-cache entries per member, 0 without a near cache
   */
  record Description(CompleteConfiguration<?, ?> configuration, long capacity, int backups, long nearCapacity) {}

  /** This member's open caches, by name; none by default (a host without caches of its own, such as a tool). */
  default Map<String, Description> describeCaches() {
    return Map.of();
  }

  /**
   * A host with no caches of its own, for a node that only asks the members (a tool, such as the
   * CLI): definitions it learns are not created, and classes resolve through {@code classLoader}.
   */
  static CacheHost withoutCaches(ClassLoader classLoader) {
    return new CacheHost() {
      @Override public Group<Object, Object> group(String name) {
        return null;
      }

      @Override public void defined(String name, byte[] configuration) {
        // nothing to create
      }

      @Override public void undefined(String name) {
        // nothing was created
      }

      @Override public ClassLoader classLoader() {
        return classLoader;
      }
    };
  }
}
