package io.kamacache.configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files a cache manager's URI names, and reading them wherever they are. */
class ConfigurationSourcesTest {

  private static final URI DEFAULT = URI.create("io.kamacache.default");

  @TempDir
  Path dir;

  private ClassLoader loaderOver(Path root) throws IOException {
    return new URLClassLoader(new URL[] {root.toUri().toURL()}, getClass().getClassLoader());
  }

  @Test
  void aFileUriNamingYamlIsReadAsTheConfigurationFile() throws IOException {
    Path file = Files.writeString(dir.resolve("app.yaml"), "caches:\n  orders: { capacity: 7 }\n");
    ConfigurationSources sources = ConfigurationSources.forManager(file.toUri(), null, DEFAULT);
    assertThat(sources.appliesSettings()).isTrue();
    assertThat(sources.yaml().caches().get("orders").capacity()).isEqualTo(7L);
    assertThat(sources.yaml().source()).isEqualTo(file.toUri().toString());
    assertThat(sources.properties()).isEmpty();
  }

  @Test
  void aPlainPathEndingInYmlIsReadToo() throws IOException {
    Path file = Files.writeString(dir.resolve("app.yml"), "caches:\n  orders: {}\n");
    assertThat(ConfigurationSources.forManager(URI.create(file.toString()), null, DEFAULT).yaml().caches())
        .containsOnlyKeys("orders");
  }

  @Test
  void aClasspathUriIsReadThroughTheManagersClassLoader() throws IOException {
    Files.createDirectories(dir.resolve("conf"));
    Files.writeString(dir.resolve("conf/app.yaml"), "caches:\n  orders: {}\n");
    ConfigurationSources sources =
        ConfigurationSources.forManager(URI.create("classpath:conf/app.yaml"), loaderOver(dir), DEFAULT);
    assertThat(sources.yaml().caches()).containsOnlyKeys("orders");
  }

  @Test
  void aJarUriIsReadFromInsideTheJar() throws IOException {
    Path jar = dir.resolve("app.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("BOOT-INF/classes/kamacache.yaml"));
      out.write("caches:\n  inside: { capacity: 3 }\n".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    URI uri = URI.create("jar:" + jar.toUri() + "!/BOOT-INF/classes/kamacache.yaml");
    ConfigurationSources sources = ConfigurationSources.forManager(uri, null, DEFAULT);
    assertThat(sources.yaml().caches().get("inside").capacity()).isEqualTo(3L);
    assertThatThrownBy(() -> ConfigurationSources.forManager(URI.create("jar:" + jar.toUri() + "!/absent.yaml"), null,
        DEFAULT)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absent.yaml");
  }

  @Test
  void anErrorInAJarNamesTheJarUri() throws IOException {
    Path jar = dir.resolve("bad.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("kamacache.yaml"));
      out.write("caches:\n  c: { capacity: lots }\n".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    URI uri = URI.create("jar:" + jar.toUri() + "!/kamacache.yaml");
    assertThatThrownBy(() -> ConfigurationSources.forManager(uri, null, DEFAULT))
        .hasMessageStartingWith(uri + ", line 2, column 18: caches.c.capacity");
  }

  @Test
  void aNamedFileThatIsMissingIsRefusedByName() {
    for (String missing : new String[] {dir.resolve("none.yaml").toUri().toString(), "classpath:none.yaml",
        dir.resolve("none.yml").toString(), dir.resolve("none.properties").toUri().toString()}) {
      assertThatThrownBy(() -> ConfigurationSources.forManager(URI.create(missing), null, DEFAULT))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.replaceFirst("^.*/", ""));
    }
  }

  @Test
  void theDefaultUriReadsBothFilesOnTheClassPath() throws IOException {
    Files.writeString(dir.resolve("kamacache.yaml"), "caches:\n  found: {}\n");
    Files.writeString(dir.resolve("kamacache.properties"), "kamacache.cluster.name=p\n");
    ConfigurationSources sources = ConfigurationSources.forManager(DEFAULT, loaderOver(dir), DEFAULT);
    assertThat(sources.yaml().caches()).containsOnlyKeys("found");
    assertThat(sources.yaml().source()).endsWith("kamacache.yaml").startsWith("file:");
    assertThat(sources.properties()).containsEntry("kamacache.cluster.name", "p");
  }

  @Test
  void anotherUriIsANamespaceWithNoFiles() throws IOException {
    Files.writeString(dir.resolve("kamacache.yaml"), "caches:\n  found: {}\n");
    ConfigurationSources sources = ConfigurationSources.forManager(URI.create("tenant-a"), loaderOver(dir), DEFAULT);
    assertThat(sources.appliesSettings()).isFalse();
    assertThat(sources.yaml().caches()).isEmpty();
  }

  @Test
  void aPropertiesFileKeepsItsLatin1Encoding() throws IOException {
    Path file = dir.resolve("member.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write("kamacache.member.id=caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    assertThat(ConfigurationSources.forManager(file.toUri(), null, DEFAULT).properties())
        .containsEntry("kamacache.member.id", "caf\u00e9");
  }
}
