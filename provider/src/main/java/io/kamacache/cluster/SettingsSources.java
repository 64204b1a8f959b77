package io.kamacache.cluster;

import io.kamacache.store.TtlWalker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a member's settings come from, merged: the properties file a CacheManager URI names
 * ({@code file:}, {@code classpath:} or a path ending in {@code .properties}) or, for the
 * provider's default URI, {@code kamacache.properties} on the class path; environment variables
 * over the file, and system properties over both. An unknown {@code kamacache.} name is refused,
 * with the known name it most likely meant.
 */
final class SettingsSources {

  /** Every cluster setting's name. */
  static final List<String> KNOWN = List.of(
      ClusterConfig.ENDPOINTS, ClusterConfig.ETCD_USER, ClusterConfig.ETCD_PASSWORD, ClusterConfig.ETCD_TLS_TRUST,
      ClusterConfig.ETCD_TLS_CERT, ClusterConfig.ETCD_TLS_KEY, ClusterConfig.ETCD_ALLOW_PLAINTEXT_PASSWORD,
      ClusterConfig.CLUSTER, ClusterConfig.PREFIX, ClusterConfig.MEMBER_ID, ClusterConfig.ROLE,
      ClusterConfig.BIND_HOST, ClusterConfig.BIND_PORT, ClusterConfig.ADVERTISE_HOST,
      ClusterConfig.ADVERTISE_PORT, ClusterConfig.LEASE_TTL, ClusterConfig.VIRTUAL_NODES, ClusterConfig.TIMEOUT,
      ClusterConfig.MAX_MESSAGE, ClusterConfig.SPIN, ClusterConfig.RETRIES, ClusterConfig.TLS_CERT,
      ClusterConfig.TLS_KEY, ClusterConfig.TLS_TRUST, ClusterConfig.TLS_CLIENT_AUTH,
      ClusterConfig.SERIALIZATION_ALLOW, ClusterConfig.INSECURE_PLAINTEXT, ClusterConfig.SERVER_THREADS,
      ClusterConfig.SERVER_QUEUE, ClusterConfig.CALLS_PER_CONNECTION, ClusterConfig.MAX_KEY,
      ClusterConfig.SERIALIZATION_MAX_DEPTH, ClusterConfig.SERIALIZATION_MAX_HASH_WORK,
      // Key locks for entry processors that run on their callers (issue 14).
      ClusterConfig.LOCK_LEASE);

  /**
   * The second part of every known name ({@code etcd}, {@code tls}, ...). A system property or
   * environment variable in one of these is meant for us; others, like the build's own
   * {@code kamacache.tck.cluster}, may belong to someone else and are left alone unless they are
   * a near miss of a known name.
   */
  private static final Set<String> SECTIONS = sections();

  /** Edits that still make an unknown name a likely misspelling of a known one. */
  private static final int NEAR_MISS = 3;

  /** A KamaCache setting that is not a cluster setting: the provider reads it as a system property. */
  private static final String WALKER = TtlWalker.INTERVAL_PROPERTY;

  private SettingsSources() {}

  static boolean namesSettings(URI uri) {
    String text = uri.toString();
    return "file".equals(uri.getScheme()) || text.startsWith("classpath:") || text.endsWith(".properties");
  }

  static Properties merge(URI uri, ClassLoader classLoader, Map<String, String> env, Properties system) {
    Properties merged = new Properties();
    Properties fromFile = file(uri, classLoader);
    rejectUnknown(fromFile, uri);
    rejectUnknown(env);
    rejectUnknown(system);
    merged.putAll(fromFile);
    for (String key : KNOWN) {
      String fromEnv = env.get(envName(key));
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

  static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static Set<String> sections() {
    Set<String> sections = new TreeSet<>();
    for (String key : KNOWN) {
      sections.add(key.split("\\.")[1]);
    }
    return Collections.unmodifiableSet(sections);
  }

  /** A settings file holds only our settings, so every unknown {@code kamacache.} name in it is a mistake. */
  private static void rejectUnknown(Properties file, URI uri) {
    for (String key : new TreeSet<>(file.stringPropertyNames())) {
      if (!key.startsWith("kamacache.") || KNOWN.contains(key)) {
        continue;
      }
      if (key.equals(WALKER)) {
        throw new IllegalArgumentException(key + " in " + uri + ": this setting is read only as a system property"
            + " (-D" + key + "=...), not from a settings file");
      }
      throw new IllegalArgumentException(unknown(key + " in " + uri, closest(key, KNOWN)));
    }
  }

  private static void rejectUnknown(Properties system) {
    for (String key : new TreeSet<>(system.stringPropertyNames())) {
      if (key.startsWith("kamacache.") && !KNOWN.contains(key) && !key.equals(WALKER)
          && meantForUs(key, key.split("\\.", 3), KNOWN)) {
        throw new IllegalArgumentException(unknown("system property " + key, closest(key, KNOWN)));
      }
    }
  }

  /** Names are compared in their environment form, since {@code _} stands for both {@code .} and {@code -}. */
  private static void rejectUnknown(Map<String, String> env) {
    List<String> known = new ArrayList<>();
    for (String key : KNOWN) {
      known.add(envName(key));
    }
    for (String name : new TreeSet<>(env.keySet())) {
      if (!name.startsWith("KAMACACHE_") || known.contains(name)) {
        continue;
      }
      String[] parts = name.toLowerCase(Locale.ROOT).split("_", 3);
      if (meantForUs(name, parts, known)) {
        String closest = closest(name, known);
        throw new IllegalArgumentException(unknown("environment variable " + name,
            closest == null ? null : closest + " (" + KNOWN.get(known.indexOf(closest)) + ")"));
      }
    }
  }

  private static boolean meantForUs(String name, String[] parts, List<String> known) {
    if (parts.length > 1 && SECTIONS.contains(parts[1])) {
      return true;
    }
    String closest = closest(name, known);
    return closest != null && distance(name, closest) <= NEAR_MISS;
  }

  private static String unknown(String what, String suggestion) {
    return what + " is not a KamaCache setting; "
        + (suggestion == null ? "the known ones are " + KNOWN : "did you mean " + suggestion + "?");
  }

  /** The known name fewest edits away, if it is close enough to be worth suggesting. */
  private static String closest(String name, List<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = distance(name, candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(NEAR_MISS, name.length() / 3) ? best : null;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
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
    ClassLoader loader = classLoader == null ? SettingsSources.class.getClassLoader() : classLoader;
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        return false;
      }
      properties.load(in);
      return true;
    }
  }
}
