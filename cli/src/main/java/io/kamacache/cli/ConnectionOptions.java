package io.kamacache.cli;

import io.kamacache.cluster.CacheHost;
import io.kamacache.cluster.ClusterConfig;
import io.kamacache.cluster.ClusterNode;
import io.kamacache.configuration.ConfigurationSources;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.cache.CacheException;
import picocli.CommandLine.Option;

/**
 * How every command reaches the cluster: the settings a client uses (a settings file, environment
 * variables and system properties, with the same precedence as for an application), with a few
 * shortcuts on top, and always as a client, so the same TLS and authorization apply.
 */
final class ConnectionOptions {

  @Option(names = "--config", paramLabel = "FILE",
      description = "The settings file an application or member uses (kamacache.properties, or a YAML file where"
          + " the provider reads one). Default: only environment variables, system properties and the options here.")
  Path config;

  @Option(names = "--etcd", paramLabel = "URL[,URL...]",
      description = "etcd endpoints, e.g. https://etcd1:2379; overrides " + ClusterConfig.ENDPOINTS + ".")
  String etcd;

  @Option(names = "--cluster", paramLabel = "NAME", description = "The cluster name; overrides " + ClusterConfig.CLUSTER
      + " (default: default).")
  String cluster;

  @Option(names = "--timeout", paramLabel = "MS", description = "Request timeout in milliseconds; overrides "
      + ClusterConfig.TIMEOUT + ".")
  Long timeoutMillis;

  @Option(names = "--json", description = "Machine-readable output (stable field names) instead of a table.")
  boolean json;

  /**
   * Opens a client node from these settings and returns it joined (its view of the members read).
   *
   * @throws CacheException naming etcd's endpoints if it cannot be reached
   * @throws IllegalArgumentException if the settings are wrong or name no etcd endpoints
   */
  ClusterNode open() {
    Map<String, String> overrides = new LinkedHashMap<>();
    // A client: it registers nothing and owns no keys, whatever role the file gives a member.
    overrides.put(ClusterConfig.ROLE, "client");
    if (etcd != null) {
      overrides.put(ClusterConfig.ENDPOINTS, etcd);
    }
    if (cluster != null) {
      overrides.put(ClusterConfig.CLUSTER, cluster);
    }
    if (timeoutMillis != null) {
      overrides.put(ClusterConfig.TIMEOUT, String.valueOf(timeoutMillis));
    }
    ClusterConfig settings = settings(overrides);
    if (settings == null) {
      throw new IllegalArgumentException("no etcd endpoints: give --etcd, or --config with "
          + ClusterConfig.ENDPOINTS);
    }
    return ClusterNode.start(settings, CacheHost.withoutCaches(ConnectionOptions.class.getClassLoader()));
  }

  /**
   * The settings through the provider's own precedence (file, then environment, then system
   * properties), with {@code overrides} above them all.
   */
  private ClusterConfig settings(Map<String, String> overrides) {
    ConfigurationSources sources;
    if (config == null) {
      sources = ConfigurationSources.withoutFiles();
    } else if (!Files.isReadable(config)) {
      throw new IllegalArgumentException("--config " + config + ": no such readable file");
    } else {
      URI uri = config.toAbsolutePath().toUri();
      sources = ConfigurationSources.forManager(uri, ConnectionOptions.class.getClassLoader(), uri);
    }
    return ClusterConfig.forManager(sources, overrides);
  }
}
