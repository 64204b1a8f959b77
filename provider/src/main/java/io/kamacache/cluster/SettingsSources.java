package io.kamacache.cluster;

import io.kamacache.configuration.ConfigurationFile;
import io.kamacache.configuration.ConfigurationSources;
import io.kamacache.configuration.NearMiss;
import io.kamacache.store.TtlWalker;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one place that decides where a member's settings come from, lowest first: the
 * {@code kamacache:} section of the YAML configuration file, the properties file, environment
 * variables ({@code KAMACACHE_ETCD_ENDPOINTS}), and system properties over all. The files are
 * those {@link ConfigurationSources} finds for the manager. An unknown {@code kamacache.} name is
 * refused, with the known name it most likely meant.
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
      ClusterConfig.SERIALIZATION_MAX_DEPTH, ClusterConfig.SERIALIZATION_MAX_HASH_WORK, ClusterConfig.HTTP_HOST,
      ClusterConfig.HTTP_PORT);

  /**
   * The second part of every known name ({@code etcd}, {@code tls}, ...). A system property or
   * environment variable in one of these is meant for us; others, like the build's own
   * {@code kamacache.tck.cluster}, may belong to someone else and are left alone unless they are
   * a near miss of a known name.
   */
  private static final Set<String> SECTIONS = sections();

  /** Short names the YAML file may use for a setting: {@code cluster: orders} under {@code kamacache:}. */
  private static final Map<String, String> YAML_ALIASES = Map.of("kamacache.cluster", ClusterConfig.CLUSTER);

  /** A KamaCache setting that is not a cluster setting: the provider reads it as a system property. */
  private static final String WALKER = TtlWalker.INTERVAL_PROPERTY;

  private SettingsSources() {}

  /** The settings of the manager with {@code uri}, for tests: the URI counts as the default one. */
  static Properties merge(URI uri, ClassLoader classLoader, Map<String, String> env, Properties system) {
    return merge(ConfigurationSources.forManager(uri, classLoader, uri), env, system);
  }

  static Properties merge(ConfigurationSources sources, Map<String, String> env, Properties system) {
    Properties merged = new Properties();
    ConfigurationFile yaml = sources.yaml();
    Properties fromYaml = yaml.clusterSettings();
    for (Map.Entry<String, String> alias : YAML_ALIASES.entrySet()) {
      String value = fromYaml.getProperty(alias.getKey());
      if (value != null) {
        if (fromYaml.getProperty(alias.getValue()) != null) {
          throw new IllegalArgumentException(yaml.whereIs(alias.getKey()) + ": " + alias.getKey() + " and "
              + alias.getValue() + " are the same setting; give it once");
        }
        fromYaml.remove(alias.getKey());
        fromYaml.setProperty(alias.getValue(), value);
      }
    }
    for (String key : new TreeSet<>(fromYaml.stringPropertyNames())) {
      rejectUnknownInFile(key, yaml.whereIs(key));
    }
    Properties fromFile = sources.properties();
    for (String key : new TreeSet<>(fromFile.stringPropertyNames())) {
      if (key.startsWith("kamacache.")) {
        rejectUnknownInFile(key, sources.propertiesSource());
      }
    }
    rejectUnknown(env);
    rejectUnknown(system);
    merged.putAll(fromYaml);
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
  private static void rejectUnknownInFile(String key, String where) {
    if (KNOWN.contains(key)) {
      return;
    }
    if (key.equals(WALKER)) {
      throw new IllegalArgumentException(key + " in " + where + ": this setting is read only as a system property"
          + " (-D" + key + "=...), not from a settings file");
    }
    throw new IllegalArgumentException(unknown(key + " in " + where, NearMiss.closest(key, KNOWN)));
  }

  private static void rejectUnknown(Properties system) {
    for (String key : new TreeSet<>(system.stringPropertyNames())) {
      if (key.startsWith("kamacache.") && !KNOWN.contains(key) && !key.equals(WALKER)
          && meantForUs(key, key.split("\\.", 3), KNOWN)) {
        throw new IllegalArgumentException(unknown("system property " + key, NearMiss.closest(key, KNOWN)));
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
        String closest = NearMiss.closest(name, known);
        throw new IllegalArgumentException(unknown("environment variable " + name,
            closest == null ? null : closest + " (" + KNOWN.get(known.indexOf(closest)) + ")"));
      }
    }
  }

  private static boolean meantForUs(String name, String[] parts, List<String> known) {
    if (parts.length > 1 && SECTIONS.contains(parts[1])) {
      return true;
    }
    String closest = NearMiss.closest(name, known);
    return closest != null && NearMiss.distance(name, closest) <= NearMiss.EDITS;
  }

  private static String unknown(String what, String suggestion) {
    return what + " is not a KamaCache setting; "
        + (suggestion == null ? "the known ones are " + KNOWN : "did you mean " + suggestion + "?");
  }
}
