package io.kamacache.management;

import java.lang.management.ManagementFactory;
import java.net.URI;
import javax.cache.CacheException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers MXBeans on the platform MBeanServer: a cache's under the names JSR-107 prescribes, and
 * a clustered cache manager's own under {@link #clusterName}.
 */
public final class MBeans {

  /** The two kinds of bean, as they appear in the {@code type} key of the name. */
  public enum Kind {
    CONFIGURATION("CacheConfiguration"),
    STATISTICS("CacheStatistics");

    private final String type;

    Kind(String type) {
      this.type = type;
    }
  }

  private MBeans() {}

  public static ObjectName name(Kind kind, URI managerUri, String cacheName) {
    String text = "javax.cache:type=" + kind.type + ",CacheManager=" + value(managerUri.toString())
        + ",Cache=" + value(cacheName);
    try {
      return new ObjectName(text);
    } catch (JMException e) {
      throw new CacheException("illegal MBean name " + text, e);
    }
  }

  /**
   * The name of a cache manager's cluster MXBean: {@code io.kamacache:type=Cluster,CacheManager=<uri>},
   * beside the JSR-107 beans of its caches, in our own domain since JSR-107 defines no such bean.
   */
  public static ObjectName clusterName(URI managerUri) {
    String text = "io.kamacache:type=Cluster,CacheManager=" + value(managerUri.toString());
    try {
      return new ObjectName(text);
    } catch (JMException e) {
      throw new CacheException("illegal MBean name " + text, e);
    }
  }

  /** The characters JMX gives meaning to in an unquoted value become dots. */
  static String sanitize(String value) {
    return value == null ? "" : value.replaceAll("[,:=\n]", ".");
  }

  /**
   * A key's value: sanitized as JSR-107 prescribes, and quoted only if characters remain that an
   * unquoted value cannot hold ({@code " * ? \}), so odd cache names still get a valid name.
   */
  static String value(String raw) {
    String sanitized = sanitize(raw);
    return sanitized.matches(".*[\"*?\\\\].*") ? ObjectName.quote(sanitized) : sanitized;
  }

  /** Registers {@code bean}, replacing any bean already under the name. */
  public static void register(Object bean, ObjectName name) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
      server.registerMBean(bean, name);
    } catch (JMException e) {
      throw new CacheException("cannot register MBean " + name, e);
    }
  }

  public static void unregister(ObjectName name) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      server.unregisterMBean(name);
    } catch (InstanceNotFoundException e) {
      // Already gone: nothing to do.
    } catch (JMException e) {
      throw new CacheException("cannot unregister MBean " + name, e);
    }
  }
}
