package io.kamacache.codec;

import static io.kamacache.codec.StreamClassDesc.HASHES_ALL;
import static io.kamacache.codec.StreamClassDesc.HASHES_BY_TAG;
import static io.kamacache.codec.StreamClassDesc.HASHES_KEYS;
import static io.kamacache.codec.StreamClassDesc.HASHES_NONE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ObjectStreamConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the scan knows of a class from its stream descriptor. */
class StreamClassDescTest {

  @ParameterizedTest
  @CsvSource({
      "java.util.HashSet, 1",
      "java.util.HashMap, 2",
      "java.util.Hashtable, 2",
      "java.util.concurrent.ConcurrentHashMap, 2",
      "java.util.CollSer, 3",
      "java.util.LinkedHashSet, 0", // its elements are HashSet's data
      "java.util.TreeSet, 0",
      "java.util.ArrayList, 0",
      "com.example.HashSet, 0"})
  void theJdkHashCollectionsAreKnownByTheClassThatWritesTheirElements(String name, int hashes) {
    assertThat(new StreamClassDesc(name).hashes).isEqualTo(hashes);
  }

  @Test
  void aCollSerTagSaysWhetherItHashesElementsKeysOrNothing() {
    assertThat(StreamClassDesc.hashesOfCollSer(1)).isEqualTo(HASHES_NONE); // List.of
    assertThat(StreamClassDesc.hashesOfCollSer(2)).isEqualTo(HASHES_ALL); // Set.of
    assertThat(StreamClassDesc.hashesOfCollSer(3)).isEqualTo(HASHES_KEYS); // Map.of
    assertThat(StreamClassDesc.hashesOfCollSer(0)).isEqualTo(HASHES_NONE);
    assertThat(HASHES_BY_TAG).isNotIn(HASHES_NONE, HASHES_ALL, HASHES_KEYS);
  }

  @Test
  void classesOfJavaUtilAndJavaxCacheAndTheirSubclassesHashWhatTheyHold() {
    StreamClassDesc abstractList = complete("java.util.AbstractList", null);
    StreamClassDesc cacheClass = complete("javax.cache.Foo", null);
    StreamClassDesc subclass = complete("com.example.MyList", abstractList);
    StreamClassDesc entity = complete("com.example.Entity", null);
    assertThat(abstractList.hashesContents).isTrue();
    assertThat(cacheClass.hashesContents).isTrue();
    assertThat(subclass.hashesContents).isTrue();
    assertThat(entity.hashesContents).isFalse();
  }

  @Test
  void aClassWithoutDataOfItsOwnPassesToTheNearestSuperclassWithSome() {
    StreamClassDesc withFields = new StreamClassDesc("com.example.Base");
    withFields.objectFields = 1;
    withFields.complete(null);
    StreamClassDesc empty = complete("com.example.Middle", withFields);
    StreamClassDesc bottom = new StreamClassDesc("com.example.Bottom");
    bottom.flags = ObjectStreamConstants.SC_SERIALIZABLE | ObjectStreamConstants.SC_WRITE_METHOD;
    bottom.complete(empty);
    assertThat(empty.hasData).isFalse();
    assertThat(bottom.hasData).isTrue();
    assertThat(bottom.dataSuper).isSameAs(withFields);
    assertThat(empty.complete).isTrue();
  }

  @Test
  void typeCodesHaveTheirPrimitiveWidthsAndObjectsNone() {
    assertThat("BZCSIFJDL[X".chars().map(c -> StreamClassDesc.primitiveWidth((char) c)).toArray())
        .containsExactly(1, 1, 2, 2, 4, 4, 8, 8, 0, 0, -1);
  }

  @Test
  void arrayClassNamesGiveTheirElementTypesInJavaSyntax() {
    assertThat(StreamClassDesc.elementTypeName("[J")).isEqualTo("long");
    assertThat(StreamClassDesc.elementTypeName("[[B")).isEqualTo("byte[]");
    assertThat(StreamClassDesc.elementTypeName("[Ljava.lang.String;")).isEqualTo("java.lang.String");
    assertThat(StreamClassDesc.elementTypeName("[[Ljava.lang.Object;")).isEqualTo("java.lang.Object[]");
    assertThat(StreamClassDesc.elementTypeName("[[")).isNull();
  }

  private static StreamClassDesc complete(String name, StreamClassDesc superDesc) {
    StreamClassDesc desc = new StreamClassDesc(name);
    desc.complete(superDesc);
    return desc;
  }
}
