package io.kamacache.configuration;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A configuration file, read and checked: its caches, its templates and its cluster settings.
 * An absent file is {@link #EMPTY}.
 */
public final class ConfigurationFile {

  /** No file: no caches, no templates, no cluster settings. */
  public static final ConfigurationFile EMPTY =
      new ConfigurationFile("(no configuration file)", Map.of(), List.of(), new Properties(), Map.of());

  /** A template as the file gives it, in file order. */
  record Template(NamePattern pattern, CacheSettings settings) {}

  private final String source;
  private final Map<String, CacheSettings> caches;
  private final List<Template> templates;
  private final Properties cluster;
  private final Map<String, String> clusterPlaces;

  ConfigurationFile(String source, Map<String, CacheSettings> caches, List<Template> templates, Properties cluster,
      Map<String, String> clusterPlaces) {
    this.source = source;
    this.caches = Collections.unmodifiableMap(new LinkedHashMap<>(caches));
    this.templates = List.copyOf(templates);
    this.cluster = cluster;
    this.clusterPlaces = Map.copyOf(clusterPlaces);
  }

  /** Where the file was read from, as errors name it. */
  public String source() {
    return source;
  }

  /** The caches declared under {@code caches:}, in file order. */
  public Map<String, CacheSettings> caches() {
    return caches;
  }

  /**
   * The settings of the most specific template whose pattern matches {@code cacheName}: the one
   * with the most literal (non-{@code *}) characters, the first in the file among equals.
   */
  public Optional<CacheSettings> templateFor(String cacheName) {
    Template best = null;
    for (Template template : templates) {
      if (template.pattern().matches(cacheName)
          && (best == null || template.pattern().literals() > best.pattern().literals())) {
        best = template;
      }
    }
    return best == null ? Optional.empty() : Optional.of(best.settings());
  }

  /** The {@code kamacache:} section, flattened to the names of {@code kamacache.properties}. */
  public Properties clusterSettings() {
    Properties copy = new Properties();
    copy.putAll(cluster);
    return copy;
  }

  /** "file, line L, column C" of a cluster setting in this file, or the file alone if it has none. */
  public String whereIs(String clusterSetting) {
    return clusterPlaces.getOrDefault(clusterSetting, source);
  }
}
