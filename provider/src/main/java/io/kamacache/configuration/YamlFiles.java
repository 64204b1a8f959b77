package io.kamacache.configuration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Reads the text of a configuration file into a {@link ConfigurationFile}, checking all of it first. */
final class YamlFiles {

  static final String CLUSTER = "kamacache";
  static final String CACHES = "caches";
  static final String TEMPLATES = "templates";
  static final List<String> SECTIONS = List.of(CLUSTER, CACHES, TEMPLATES);

  /** Aliases in one file: a few are handy, thousands are a "billion laughs" document. */
  private static final int MAX_ALIASES = 50;

  /** Cluster setting names are at most four parts deep; deeper is a mistake, or an alias that refers to itself. */
  private static final int MAX_CLUSTER_DEPTH = 8;

  private YamlFiles() {}

  static ConfigurationFile parse(String text, String source, ClassLoader loader) {
    Problems problems = new Problems(source);
    Optional<Node> root = compose(text, problems);
    if (root.isEmpty() || Nodes.isNull(root.get())) {
      return new ConfigurationFile(source, Map.of(), List.of(), new Properties(), Map.of());
    }
    Nodes nodes = new Nodes(problems);
    CacheKeys keys = new CacheKeys(nodes, new ClassNames(loader, problems));
    Map<String, Nodes.Entry> sections = nodes.entries(root.get(), "", SECTIONS);

    Properties cluster = new Properties();
    Map<String, String> places = new LinkedHashMap<>();
    Nodes.Entry clusterSection = sections.get(CLUSTER);
    if (clusterSection != null) {
      flatten(nodes, clusterSection.value(), CLUSTER, cluster, places, 1);
    }

    Map<String, CacheSettings> caches = new LinkedHashMap<>();
    Nodes.Entry cachesSection = sections.get(CACHES);
    if (cachesSection != null) {
      for (Nodes.Entry cache : nodes.entries(cachesSection.value(), CACHES, null).values()) {
        caches.put(cache.key(), keys.read(cache.value(), cache.path()));
      }
    }

    List<ConfigurationFile.Template> templates = new ArrayList<>();
    Nodes.Entry templatesSection = sections.get(TEMPLATES);
    if (templatesSection != null) {
      for (Nodes.Entry template : nodes.entries(templatesSection.value(), TEMPLATES, null).values()) {
        templates.add(new ConfigurationFile.Template(NamePattern.of(template.key()),
            keys.read(template.value(), template.path())));
      }
    }
    return new ConfigurationFile(source, caches, templates, cluster, places);
  }

  private static Optional<Node> compose(String text, Problems problems) {
    LoadSettings settings = LoadSettings.builder()
        .setLabel(problems.source())
        .setUseMarks(true)
        .setAllowDuplicateKeys(false)
        .setMaxAliasesForCollections(MAX_ALIASES)
        .build();
    try {
      return new Compose(settings).composeString(text);
    } catch (MarkedYamlEngineException e) {
      String where = problems.where(e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark());
      String what = e.getProblem() != null ? e.getProblem() : e.getContext();
      throw new IllegalArgumentException(where + ": not valid YAML: " + what, e);
    } catch (YamlEngineException e) {
      throw new IllegalArgumentException(problems.source() + ": not valid YAML: " + e.getMessage(), e);
    }
  }

  /**
   * The cluster section as property names: nested keys and dotted keys both join with '.', and a
   * list of values becomes one comma-separated value (as {@code kamacache.etcd.endpoints} takes it).
   */
  private static void flatten(Nodes nodes, Node node, String path, Properties into, Map<String, String> places,
      int depth) {
    if (depth > MAX_CLUSTER_DEPTH) {
      throw nodes.problems().at(node, path, "nested more than " + MAX_CLUSTER_DEPTH + " levels deep; cluster settings"
          + " have names of at most four parts (kamacache.etcd.tls.trust)");
    }
    for (Nodes.Entry entry : nodes.entries(node, path, null).values()) {
      Node value = entry.value();
      if (value instanceof ScalarNode || value instanceof SequenceNode) {
        String text = value instanceof SequenceNode list ? joined(nodes, entry, list) : nodes.text(entry);
        if (into.containsKey(entry.path())) {
          throw nodes.problems().at(entry.keyNode(), entry.path(), "set twice (first at "
              + places.get(entry.path()) + ")");
        }
        into.setProperty(entry.path(), text);
        places.put(entry.path(), nodes.problems().where(entry.keyNode()));
      } else {
        flatten(nodes, value, entry.path(), into, places, depth + 1);
      }
    }
  }

  private static String joined(Nodes nodes, Nodes.Entry entry, SequenceNode list) {
    List<String> items = new ArrayList<>();
    for (Node item : list.getValue()) {
      items.add(nodes.text(new Nodes.Entry(entry.key(), item, item, entry.path())));
    }
    return String.join(",", items);
  }
}
