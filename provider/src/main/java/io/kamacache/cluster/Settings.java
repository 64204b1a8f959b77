package io.kamacache.cluster;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/** Reads typed settings, naming the setting in every error. */
final class Settings {
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
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(key + ": not a URI: '" + item + "'", e);
      }
    }
    return List.copyOf(uris);
  }
}
