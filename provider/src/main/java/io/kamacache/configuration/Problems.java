package io.kamacache.configuration;

import java.util.Collection;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/** Errors about one configuration file, each naming the file, the line and column, and the key. */
final class Problems {

  private final String source;

  Problems(String source) {
    this.source = source;
  }

  String source() {
    return source;
  }

  /** "file, line L, column C", for the place {@code node} starts. */
  String where(Node node) {
    return where(node.getStartMark());
  }

  String where(Optional<Mark> mark) {
    return mark.map(m -> source + ", line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse(source);
  }

  IllegalArgumentException at(Node node, String path, String message) {
    return new IllegalArgumentException(where(node) + ": " + (path.isEmpty() ? "" : path + ": ") + message);
  }

  IllegalArgumentException at(Node node, String path, String message, Throwable cause) {
    return new IllegalArgumentException(where(node) + ": " + (path.isEmpty() ? "" : path + ": ") + message, cause);
  }

  /** An unknown key, with the known one it most likely meant. */
  IllegalArgumentException unknown(Node keyNode, String path, String key, Collection<String> known) {
    String closest = NearMiss.closest(key, known);
    return at(keyNode, path, "unknown key '" + key + "'; "
        + (closest == null ? "the known keys here are " + known : "did you mean '" + closest + "'?"));
  }
}
