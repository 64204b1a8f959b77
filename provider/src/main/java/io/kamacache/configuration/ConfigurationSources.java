package io.kamacache.configuration;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Properties;

/**
 * The files a cache manager is configured by, found from its URI:
 *
 * <ul>
 *   <li>a URI that names a file ({@code classpath:x.yaml}, {@code file:...}, {@code jar:file:...!/x.yaml},
 *       or anything ending in {@code .yaml}, {@code .yml} or {@code .properties}) is that file alone,
 *       which must exist: a YAML configuration file, or a properties file of cluster settings;
 *   <li>the provider's default URI reads {@code kamacache.yaml} and {@code kamacache.properties}
 *       on the manager's class loader, each if present;
 *   <li>any other URI is a separate, embedded namespace with no files, as JSR-107 expects of a
 *       distinct URI.
 * </ul>
 *
 * Which of them wins over which is decided in one place, by the cluster settings' reader.
 */
public final class ConfigurationSources {

  /** The configuration file looked for on the class path. */
  public static final String DEFAULT_YAML = "kamacache.yaml";
  /** The cluster settings file looked for on the class path. */
  public static final String DEFAULT_PROPERTIES = "kamacache.properties";

  /** A configuration file is a page of text; anything near this size is not one. */
  private static final int MAX_BYTES = 4 << 20;

  private final boolean named;
  private final ConfigurationFile yaml;
  private final Properties properties;
  private final String propertiesSource;

  private ConfigurationSources(boolean named, ConfigurationFile yaml, Properties properties, String propertiesSource) {
    this.named = named;
    this.yaml = yaml;
    this.properties = properties;
    this.propertiesSource = propertiesSource;
  }

  /**
   * Reads and checks the files of the manager with {@code uri}.
   *
   * @throws IllegalArgumentException if a named file is missing, or a file is wrong (naming the
   *     file, line and key)
   */
  public static ConfigurationSources forManager(URI uri, ClassLoader classLoader, URI defaultUri) {
    ClassLoader loader = classLoader == null ? ConfigurationSources.class.getClassLoader() : classLoader;
    String text = uri.toString();
    if (namesFile(uri)) {
      byte[] content = read(uri, loader);
      if (isYaml(text)) {
        return new ConfigurationSources(true, YamlFiles.parse(utf8(content), text, loader), new Properties(), text);
      }
      return new ConfigurationSources(true, ConfigurationFile.EMPTY, properties(content, text), text);
    }
    if (!uri.equals(defaultUri)) {
      return new ConfigurationSources(false, ConfigurationFile.EMPTY, new Properties(), text);
    }
    URL yamlUrl = loader.getResource(DEFAULT_YAML);
    ConfigurationFile yaml = yamlUrl == null ? ConfigurationFile.EMPTY
        : YamlFiles.parse(utf8(read(yamlUrl, yamlUrl.toString())), yamlUrl.toString(), loader);
    URL propertiesUrl = loader.getResource(DEFAULT_PROPERTIES);
    Properties properties = propertiesUrl == null ? new Properties()
        : properties(read(propertiesUrl, propertiesUrl.toString()), propertiesUrl.toString());
    return new ConfigurationSources(true, yaml, properties,
        propertiesUrl == null ? DEFAULT_PROPERTIES + " (absent)" : propertiesUrl.toString());
  }

  /**
   * No file at all, but cluster settings still apply: for tools (the CLI) whose settings come from
   * the environment, system properties and their own options.
   */
  public static ConfigurationSources withoutFiles() {
    return new ConfigurationSources(true, ConfigurationFile.EMPTY, new Properties(), "(no settings file)");
  }

  /** Whether {@code uri} names a configuration or settings file rather than a namespace. */
  public static boolean namesFile(URI uri) {
    String text = uri.toString();
    String scheme = uri.getScheme();
    return "file".equals(scheme) || "jar".equals(scheme) || text.startsWith("classpath:") || isYaml(text)
        || text.toLowerCase(Locale.ROOT).endsWith(".properties");
  }

  private static boolean isYaml(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    return lower.endsWith(".yaml") || lower.endsWith(".yml");
  }

  /**
   * Whether cluster settings apply to this manager: the default one, or one whose URI names a
   * file. Any other URI is an embedded namespace of its own.
   */
  public boolean appliesSettings() {
    return named;
  }

  /** The YAML file, or {@link ConfigurationFile#EMPTY}. */
  public ConfigurationFile yaml() {
    return yaml;
  }

  /** The properties file's settings, empty if there is none. */
  public Properties properties() {
    Properties copy = new Properties();
    copy.putAll(properties);
    return copy;
  }

  /** The properties file, as errors name it. */
  public String propertiesSource() {
    return propertiesSource;
  }

  private static byte[] read(URI uri, ClassLoader loader) {
    String text = uri.toString();
    String scheme = uri.getScheme();
    if (text.startsWith("classpath:")) {
      String resource = text.substring("classpath:".length()).replaceFirst("^/+", "");
      URL url = loader.getResource(resource);
      if (url == null) {
        throw new IllegalArgumentException("cache manager URI " + uri + ": no such resource on the class path");
      }
      return read(url, text);
    }
    if ("jar".equals(scheme)) {
      try {
        return read(uri.toURL(), text);
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException("cache manager URI " + uri + ": cannot read it: " + e.getMessage(), e);
      }
    }
    Path path = "file".equals(scheme) ? Paths.get(uri) : Paths.get(text);
    if (!Files.isReadable(path) || Files.isDirectory(path)) {
      throw new IllegalArgumentException("cache manager URI " + uri + ": cannot read " + path);
    }
    try (InputStream in = Files.newInputStream(path)) {
      return limited(in, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the configuration named by " + uri, e);
    }
  }

  private static byte[] read(URL url, String name) {
    try {
      URLConnection connection = url.openConnection();
      // A cached jar connection would keep the jar open (and locked on Windows) after we are done.
      connection.setUseCaches(false);
      try (InputStream in = connection.getInputStream()) {
        return limited(in, name);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cache manager URI " + name + ": cannot read it: " + e, e);
    }
  }

  private static byte[] limited(InputStream in, String name) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BYTES + 1);
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(name + ": larger than " + (MAX_BYTES >> 20) + " MiB; not a configuration file");
    }
    return bytes;
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static Properties properties(byte[] content, String name) {
    Properties properties = new Properties();
    try {
      // Read as bytes: ISO-8859-1, as these files have always been read.
      properties.load(new ByteArrayInputStream(content));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": not a properties file: " + e.getMessage(), e);
    }
    return properties;
  }
}
