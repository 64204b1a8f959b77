package io.kamacache.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The libraries' classes are allowed one by one: a package pattern would let in every other
 * serializable class of the library. (That Hibernate and Bucket4j work with exactly these is
 * checked on a real cluster by the integration tests.)
 */
class LibraryClassesTest {

  @Test
  void everyLibraryEntryNamesOneClassAndIsInTheDefaults() {
    List<String> entries = new ArrayList<>(LibraryClasses.HIBERNATE);
    entries.addAll(LibraryClasses.BUCKET4J);
    assertThat(entries).isNotEmpty().allSatisfy(entry -> {
      assertThat(entry).doesNotContain("*").matches("([a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*");
      assertThat(WireCodec.DEFAULT_ALLOWED).contains(entry);
    });
  }

  @Test
  void theDefaultsAllowNoLibraryPackageWhole() {
    assertThat(WireCodec.DEFAULT_ALLOWED).filteredOn(pattern -> pattern.endsWith("*"))
        .allMatch(pattern -> pattern.startsWith("java.") || pattern.startsWith("javax.cache.")
            || pattern.startsWith("io.kamacache."));
  }
}
