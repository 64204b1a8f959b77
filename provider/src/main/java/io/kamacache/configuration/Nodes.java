package io.kamacache.configuration;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** Reading the YAML node tree: mappings with known keys, scalars of each type, each error placed. */
final class Nodes {

  /** One key of a mapping, with the node of the key (for errors about it) and of its value. */
  record Entry(String key, Node keyNode, Node value, String path) {}

  private final Problems problems;

  Nodes(Problems problems) {
    this.problems = problems;
  }

  Problems problems() {
    return problems;
  }

  static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  /**
   * The entries of a mapping in file order; an empty value counts as an empty mapping. Each key
   * must be a scalar, appear once, and (unless {@code known} is null) be one of {@code known}.
   */
  Map<String, Entry> entries(Node node, String path, Collection<String> known) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    if (isNull(node)) {
      return entries;
    }
    if (!(node instanceof MappingNode mapping)) {
      throw problems.at(node, path, "expected a mapping of keys to values, found " + describe(node));
    }
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode scalarKey)) {
        throw problems.at(keyNode, path, "a key must be a plain name, found " + describe(keyNode));
      }
      String key = scalarKey.getValue();
      Entry before = entries.get(key);
      if (before != null) {
        throw problems.at(keyNode, child(path, key), "duplicate key '" + key + "' (first at "
            + problems.where(before.keyNode()) + ")");
      }
      if (known != null && !known.contains(key)) {
        throw problems.unknown(keyNode, child(path, key), key, known);
      }
      entries.put(key, new Entry(key, keyNode, tuple.getValueNode(), child(path, key)));
    }
    return entries;
  }

  String text(Entry entry) {
    Node node = entry.value();
    if (!(node instanceof ScalarNode scalar)) {
      throw problems.at(node, entry.path(), "expected a single value, found " + describe(node));
    }
    if (isNull(node) || scalar.getValue().isBlank()) {
      throw problems.at(entry.keyNode(), entry.path(), "needs a value");
    }
    return scalar.getValue().trim();
  }

  boolean bool(Entry entry) {
    String text = text(entry);
    if (text.equals("true") || text.equals("false")) {
      return Boolean.parseBoolean(text);
    }
    throw problems.at(entry.value(), entry.path(), "must be true or false, was '" + text + "'");
  }

  long whole(Entry entry, long min, long max) {
    String text = text(entry).replace("_", "");
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw problems.at(entry.value(), entry.path(), "must be a whole number, was '" + text(entry) + "'", e);
    }
    if (value < min || value > max) {
      throw problems.at(entry.value(), entry.path(), "must be " + range(min, max) + ", was " + value);
    }
    return value;
  }

  javax.cache.expiry.Duration duration(Entry entry) {
    String text = text(entry);
    javax.cache.expiry.Duration duration = Durations.parse(text);
    if (duration == null) {
      throw problems.at(entry.value(), entry.path(), "must be a whole number with a unit, one of "
          + Durations.UNITS + " (for example 10m or 500ms), was '" + text + "'");
    }
    if (duration.getDurationAmount() == 0) {
      throw problems.at(entry.value(), entry.path(), "must be longer than zero, was '" + text + "'");
    }
    return duration;
  }

  private static String range(long min, long max) {
    return max == Long.MAX_VALUE ? "at least " + min : "between " + min + " and " + max;
  }

  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return isNull(node) ? "nothing" : "'" + ((ScalarNode) node).getValue() + "'";
  }
}
