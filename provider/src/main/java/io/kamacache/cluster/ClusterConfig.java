package io.kamacache.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * A member's cluster settings. They come from a properties file named by the CacheManager URI
 * ({@code file:}, {@code classpath:} or a path ending in {@code .properties}) or, for the
 * provider's default URI, from {@code kamacache.properties} on the class path if there is one; environment variables
 * ({@code KAMACACHE_ETCD_ENDPOINTS} for {@code kamacache.etcd.endpoints}) override the file, and
 * system properties override both. Without {@code kamacache.etcd.endpoints} the manager stays
 * embedded. A bad setting fails with an error that names it.
 */
public final class ClusterConfig {

  public static final String ENDPOINTS = "kamacache.etcd.endpoints";
  public static final String ETCD_USER = "kamacache.etcd.user";
  public static final String ETCD_PASSWORD = "kamacache.etcd.password";
  public static final String CLUSTER = "kamacache.cluster.name";
  public static final String PREFIX = "kamacache.cluster.prefix";
  public static final String MEMBER_ID = "kamacache.member.id";
  public static final String ROLE = "kamacache.member.role";
  public static final String BIND_HOST = "kamacache.bind.host";
  public static final String BIND_PORT = "kamacache.bind.port";
  public static final String ADVERTISE_HOST = "kamacache.advertise.host";
  public static final String ADVERTISE_PORT = "kamacache.advertise.port";
  public static final String LEASE_TTL = "kamacache.lease.ttl-seconds";
  public static final String VIRTUAL_NODES = "kamacache.ring.virtual-nodes";
  public static final String TIMEOUT = "kamacache.request.timeout-ms";
  public static final String MAX_MESSAGE = "kamacache.request.max-message-bytes";
  public static final String RETRIES = "kamacache.routing.retries";
  public static final String TLS_CERT = "kamacache.tls.cert";
  public static final String TLS_KEY = "kamacache.tls.key";
  public static final String TLS_TRUST = "kamacache.tls.trust";
  public static final String TLS_CLIENT_AUTH = "kamacache.tls.client-auth";
  public static final String SERIALIZATION_ALLOW = "kamacache.serialization.allow";

  private static final List<String> KNOWN = List.of(ENDPOINTS, ETCD_USER, ETCD_PASSWORD, CLUSTER, PREFIX,
      MEMBER_ID, ROLE, BIND_HOST, BIND_PORT, ADVERTISE_HOST, ADVERTISE_PORT, LEASE_TTL, VIRTUAL_NODES,
      TIMEOUT, MAX_MESSAGE, RETRIES, TLS_CERT, TLS_KEY, TLS_TRUST, TLS_CLIENT_AUTH, SERIALIZATION_ALLOW);

  /** Whether this member owns keys and serves peers, or only routes its own calls. */
  public enum Role { MEMBER, CLIENT }

  final List<URI> endpoints;
  final String etcdUser;
  final String etcdPassword;
  final String cluster;
  final String prefix;
  final String memberId;
  final Role role;
  final String bindHost;
  final int bindPort;
  final String advertiseHost;
  final int advertisePort;
  final Duration leaseTtl;
  final int virtualNodes;
  final Duration timeout;
  final int maxMessageBytes;
  final int retries;
  final Path tlsCert;
  final Path tlsKey;
  final Path tlsTrust;
  final boolean tlsClientAuth;
  final List<String> serializationAllow;

  private ClusterConfig(Settings s) {
    endpoints = s.uris(ENDPOINTS);
    etcdUser = s.string(ETCD_USER, null);
    etcdPassword = s.string(ETCD_PASSWORD, null);
    if ((etcdUser == null) != (etcdPassword == null)) {
      throw new IllegalArgumentException(ETCD_USER + " and " + ETCD_PASSWORD + " must be set together");
    }
    cluster = s.name(CLUSTER, "default");
    prefix = s.name(PREFIX, "kamacache");
    memberId = s.name(MEMBER_ID, UUID.randomUUID().toString());
    role = Role.valueOf(s.choice(ROLE, "member", "member", "client").toUpperCase(Locale.ROOT));
    bindHost = s.string(BIND_HOST, "127.0.0.1");
    bindPort = s.integer(BIND_PORT, 0, 0, 65535);
    advertiseHost = s.string(ADVERTISE_HOST, bindHost);
    advertisePort = s.integer(ADVERTISE_PORT, 0, 0, 65535);
    leaseTtl = Duration.ofSeconds(s.integer(LEASE_TTL, 10, 2, 3600));
    virtualNodes = s.integer(VIRTUAL_NODES, 128, 1, 4096);
    timeout = Duration.ofMillis(s.integer(TIMEOUT, 5000, 1, 600_000));
    maxMessageBytes = s.integer(MAX_MESSAGE, 16 * 1024 * 1024, 1024, Integer.MAX_VALUE);
    retries = s.integer(RETRIES, 20, 0, 1000);
    tlsCert = s.path(TLS_CERT);
    tlsKey = s.path(TLS_KEY);
    tlsTrust = s.path(TLS_TRUST);
    tlsClientAuth = s.bool(TLS_CLIENT_AUTH, false);
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException(TLS_CERT + " and " + TLS_KEY + " must be set together");
    }
    if (tlsClientAuth && (tlsCert == null || tlsTrust == null)) {
      throw new IllegalArgumentException(TLS_CLIENT_AUTH + " needs " + TLS_CERT + ", " + TLS_KEY + " and " + TLS_TRUST);
    }
    serializationAllow = s.list(SERIALIZATION_ALLOW);
  }

  /**
   * The cluster settings for a cache manager, or null when it is embedded. Settings apply to the
   * provider's default manager and to managers whose URI names a settings file; a manager with
   * any other URI is a separate, embedded namespace, as JSR-107 expects of distinct URIs.
   *
   * @throws IllegalArgumentException naming the setting that is wrong
   */
  public static ClusterConfig forManager(URI uri, ClassLoader classLoader, URI defaultUri) {
    if (!namesSettings(uri) && !uri.equals(defaultUri)) {
      return null;
    }
    return from(sources(uri, classLoader, System.getenv(), System.getProperties()));
  }

  static boolean namesSettings(URI uri) {
    String text = uri.toString();
    return "file".equals(uri.getScheme()) || text.startsWith("classpath:") || text.endsWith(".properties");
  }

  /** The settings in {@code properties} alone, or null when they name no etcd endpoints. */
  public static ClusterConfig from(Properties properties) {
    Settings settings = new Settings(properties);
    return settings.string(ENDPOINTS, null) == null ? null : new ClusterConfig(settings);
  }

  static Properties sources(URI uri, ClassLoader classLoader, Map<String, String> env, Properties system) {
    Properties merged = new Properties();
    merged.putAll(file(uri, classLoader));
    for (String key : KNOWN) {
      String fromEnv = env.get(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
      if (fromEnv != null) {
        merged.setProperty(key, fromEnv);
      }
      String fromSystem = system.getProperty(key);
      if (fromSystem != null) {
        merged.setProperty(key, fromSystem);
      }
    }
    return merged;
  }

  private static Properties file(URI uri, ClassLoader classLoader) {
    Properties properties = new Properties();
    String text = uri == null ? "" : uri.toString();
    try {
      if ("file".equals(uri == null ? null : uri.getScheme())) {
        load(properties, Paths.get(uri), text);
      } else if (text.startsWith("classpath:")) {
        String resource = text.substring("classpath:".length()).replaceFirst("^/", "");
        if (!loadResource(properties, classLoader, resource)) {
          throw new IllegalArgumentException("cache manager URI " + uri + ": no such resource on the class path");
        }
      } else if (text.endsWith(".properties")) {
        load(properties, Paths.get(text), text);
      } else {
        loadResource(properties, classLoader, "kamacache.properties");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the cluster settings named by " + uri, e);
    }
    return properties;
  }

  private static void load(Properties properties, Path path, String uri) throws IOException {
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException("cache manager URI " + uri + ": cannot read " + path);
    }
    try (InputStream in = Files.newInputStream(path)) {
      properties.load(in);
    }
  }

  private static boolean loadResource(Properties properties, ClassLoader classLoader, String resource) throws IOException {
    ClassLoader loader = classLoader == null ? ClusterConfig.class.getClassLoader() : classLoader;
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        return false;
      }
      properties.load(in);
      return true;
    }
  }

  public String memberId() {
    return memberId;
  }

  public Role role() {
    return role;
  }

  public String cluster() {
    return cluster;
  }

  boolean tls() {
    return tlsCert != null || tlsTrust != null;
  }

  /** Reads typed settings, naming the setting in every error. */
  private static final class Settings {
    private final Properties properties;

    Settings(Properties properties) {
      this.properties = properties;
    }

    String string(String key, String fallback) {
      String value = properties.getProperty(key);
      return value == null || value.isBlank() ? fallback : value.trim();
    }

    String name(String key, String fallback) {
      String value = string(key, fallback);
      if (!value.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException(key + ": use letters, digits, '.', '_' and '-' only, was '" + value + "'");
      }
      return value;
    }

    String choice(String key, String fallback, String... choices) {
      String value = string(key, fallback).toLowerCase(Locale.ROOT);
      for (String choice : choices) {
        if (choice.equals(value)) {
          return value;
        }
      }
      throw new IllegalArgumentException(key + ": must be one of " + List.of(choices) + ", was '" + value + "'");
    }

    int integer(String key, int fallback, int min, int max) {
      String value = string(key, null);
      if (value == null) {
        return fallback;
      }
      try {
        int parsed = Integer.parseInt(value);
        if (parsed < min || parsed > max) {
          throw new IllegalArgumentException(key + ": must be between " + min + " and " + max + ", was " + parsed);
        }
        return parsed;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + ": must be a whole number, was '" + value + "'", e);
      }
    }

    boolean bool(String key, boolean fallback) {
      String value = string(key, null);
      if (value == null) {
        return fallback;
      }
      if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(value);
      }
      throw new IllegalArgumentException(key + ": must be true or false, was '" + value + "'");
    }

    Path path(String key) {
      String value = string(key, null);
      if (value == null) {
        return null;
      }
      Path path = Paths.get(value);
      if (!Files.isReadable(path)) {
        throw new IllegalArgumentException(key + ": cannot read " + path);
      }
      return path;
    }

    List<String> list(String key) {
      String value = string(key, null);
      if (value == null) {
        return List.of();
      }
      List<String> items = new ArrayList<>();
      for (String item : value.split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
      return Collections.unmodifiableList(items);
    }

    List<URI> uris(String key) {
      List<URI> uris = new ArrayList<>();
      for (String item : list(key)) {
        try {
          URI uri = new URI(item);
          if (uri.getHost() == null || uri.getPort() < 0
              || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException(key + ": expected http://host:port or https://host:port, was '" + item + "'");
          }
          uris.add(uri);
        } catch (java.net.URISyntaxException e) {
          throw new IllegalArgumentException(key + ": not a URI: '" + item + "'", e);
        }
      }
      return List.copyOf(uris);
    }
  }
}
