package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/cluster.md's table of settings names exactly the settings members read. */
class ClusterSettingsReferenceTest {

  private static final Path DOC = Path.of("..", "docs", "cluster.md");

  @Test
  void theSettingsTableNamesEverySettingAndNoOther() throws IOException {
    Set<String> documented = new TreeSet<>();
    Pattern name = Pattern.compile("`(kamacache\\.[a-z0-9.-]+)`");
    for (String line : Files.readAllLines(DOC)) {
      if (line.startsWith("| `kamacache.")) {
        Matcher names = name.matcher(line.substring(0, line.indexOf(" |", 2)));
        while (names.find()) {
          documented.add(names.group(1));
        }
      }
    }
    assertThat(documented).isEqualTo(new TreeSet<>(SettingsSources.KNOWN));
  }
}
