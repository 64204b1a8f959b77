package io.kamacache.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.jcache.KamaConfiguration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.Test;

/** The decoding limits leave alone the values applications really cache. */
class WireCodecLegitGraphsTest {

  private final ClassLoader loader = getClass().getClassLoader();
  private final WireCodec codec = new WireCodec(List.of());

  @Test
  void aCustomerWithOrdersOfLinesOfProductsInACategoryTreeDecodes() {
    LegitGraphs.Customer customer = LegitGraphs.customer();
    assertThat(codec.decode(codec.encode(customer), loader)).isEqualTo(customer);
  }

  @Test
  void aHibernateStyleEntryOfDisassembledStateDecodes() {
    LegitGraphs.EntityEntry entry = LegitGraphs.hibernateEntry();
    LegitGraphs.EntityEntry decoded = (LegitGraphs.EntityEntry) codec.decode(codec.encode(entry), loader);
    assertThat(java.util.Arrays.deepEquals(decoded.disassembledState, entry.disassembledState)).isTrue();
    assertThat(decoded.subclass).isEqualTo(entry.subclass);
    assertThat(decoded.version).isEqualTo(3);
  }

  @Test
  @SuppressWarnings("unchecked")
  void aSerializableLambdaDecodes() {
    Function<String, String> decoded = (Function<String, String>) codec.decode(codec.encode(LegitGraphs.lambda("!")), loader);
    assertThat(decoded.apply("hi")).isEqualTo("hi!");
  }

  @Test
  void aJsonLikeDocumentNineLevelsDeepDecodes() {
    Map<String, Object> document = LegitGraphs.document(9);
    assertThat(codec.decode(codec.encode(document), loader)).isEqualTo(document);
  }

  @Test
  void aClusteredCacheDefinitionDecodes() {
    KamaConfiguration<String, Object> definition = new KamaConfiguration<String, Object>();
    definition.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_HOUR)).setTypes(String.class, Object.class);
    assertThat(codec.decode(codec.encode(definition), loader)).isEqualTo(definition);
  }

  @Test
  void aMapOfListsOfDtosThatShareProductsAndCategoriesDecodes() {
    Map<String, List<LegitGraphs.Line>> catalogue = LegitGraphs.catalogue(500);
    assertThat(codec.decode(codec.encode(catalogue), loader)).isEqualTo(catalogue);
  }

  @Test
  void aHashSetOf50000StringsDecodes() {
    java.util.Set<String> strings = LegitGraphs.stringSet(50_000);
    assertThat(codec.decode(codec.encode(strings), loader)).isEqualTo(strings);
  }

  @Test
  void aHashMapOf49000StringKeysDecodes() {
    // 50,000 entries would be over 100,000 objects, which the reference limit refuses.
    Map<String, Integer> map = LegitGraphs.stringKeys(49_000);
    assertThat(codec.decode(codec.encode(map), loader)).isEqualTo(map);
  }

  @Test
  void aHashSetOfLinesSharingProductsDecodes() {
    java.util.Set<LegitGraphs.Line> lines = LegitGraphs.lineSet(2_000);
    assertThat(codec.decode(codec.encode(lines), loader)).isEqualTo(lines);
  }

  @Test
  void aDtoWithAOneMebibyteByteArrayDecodes() {
    LegitGraphs.Attachment attachment = LegitGraphs.attachment(1 << 20);
    LegitGraphs.Attachment decoded = (LegitGraphs.Attachment) codec.decode(codec.encode(attachment), loader);
    assertThat(decoded.content()).isEqualTo(attachment.content());
    assertThat(decoded.name()).isEqualTo(attachment.name());
  }

  @Test
  void realValuesNestWellInsideTheDefaultDepth() {
    // Leave room for application models deeper than these examples.
    for (Object value : List.of(LegitGraphs.customer(), LegitGraphs.hibernateEntry(), LegitGraphs.document(5))) {
      assertThat(SerialDosCostTest.deepest(codec.encode(value))).isLessThanOrEqualTo(WireCodec.DEFAULT_MAX_DEPTH / 2);
    }
  }
}
