package io.kamacache.configuration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/configuration.md's reference lists exactly the keys the reader knows, so neither can drift. */
class ConfigurationReferenceTest {

  private static final Path DOC = Path.of("..", "docs", "configuration.md");

  /** The first column's key of each table row: "| `key` | ...". */
  private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\|", Pattern.MULTILINE);

  static Set<String> documented() throws IOException {
    String doc = Files.readString(DOC);
    int start = doc.indexOf("### Configuration file reference");
    int end = doc.indexOf("\n## ", start);
    assertThat(start).as("the reference section").isPositive();
    Matcher rows = ROW.matcher(doc.substring(start, end));
    Set<String> keys = new TreeSet<>();
    while (rows.find()) {
      keys.add(rows.group(1));
    }
    return keys;
  }

  static Set<String> known() {
    Set<String> keys = new TreeSet<>(YamlFiles.SECTIONS);
    keys.addAll(CacheKeys.KEYS);
    CacheKeys.EXPIRY_KINDS.forEach(kind -> keys.add("expiry." + kind));
    CacheKeys.LISTENER_KEYS.forEach(key -> keys.add("listeners[]." + key));
    return keys;
  }

  @Test
  void theReferenceListsEveryKeyTheReaderKnowsAndNoOther() throws IOException {
    assertThat(documented()).isEqualTo(known());
  }
}
