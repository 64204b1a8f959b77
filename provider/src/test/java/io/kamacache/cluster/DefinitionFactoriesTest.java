package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.orders.Order;
import com.acme.planted.PlantedLoader;
import java.io.ObjectInputFilter;
import java.util.List;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.Test;

/** The class-name check of cache definitions agrees with the serialization filter it stands in for. */
class DefinitionFactoriesTest {

  @Test
  void aClassNameMatchesAPatternExactlyWhenTheSerializationFilterWouldAllowTheClass() {
    List<String> patterns = List.of("java.lang.*", "java.util.**", "java.time.*", "javax.cache.**",
        "com.acme.orders.Order", "com.acme.plant*", "com.acme.**", "*");
    List<Class<?>> classes = List.of(String.class, Thread.class, java.lang.invoke.MethodHandle.class,
        java.util.ArrayList.class, java.util.Map.Entry.class, java.util.concurrent.ConcurrentHashMap.class,
        java.time.Duration.class, java.time.chrono.ChronoLocalDate.class, FactoryBuilder.ClassFactory.class,
        java.net.URI.class, Order.class, PlantedLoader.class, DefinitionFactoriesTest.class);
    for (String pattern : patterns) {
      ObjectInputFilter filter = ObjectInputFilter.Config.createFilter(pattern + ";!*");
      for (Class<?> clazz : classes) {
        boolean jdk = filter.checkInput(info(clazz)) == ObjectInputFilter.Status.ALLOWED;
        assertThat(DefinitionFactories.matches(pattern, clazz.getName())).as(pattern + " / " + clazz.getName())
            .isEqualTo(jdk);
      }
    }
  }

  @Test
  void namesThatAreNotPlainClassNamesAreNeverAllowed() {
    DefinitionFactories check = new DefinitionFactories(List.of("*"), getClass().getClassLoader());
    assertThat(check.allowed("com.acme.planted.PlantedLoader")).isTrue();
    for (String name : List.of("", "[Ljava.lang.String;", "java.lang.String;", "java/lang/String", ".String",
        "java..String", "java.lang.String ", "java.base/java.lang.String")) {
      assertThat(check.allowed(name)).as("'" + name + "'").isFalse();
    }
  }

  @Test
  void onlyClassFactoriesOfAllowedClassesOfTheRightTypePass() {
    DefinitionFactories check = new DefinitionFactories(List.of(), getClass().getClassLoader());
    assertThat(check.refusal(new MutableConfiguration<>())).isNull();
    assertThat(check.refusal(new MutableConfiguration<>()
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_MINUTE)))).isNull();
    assertThat(check.refusal(new MutableConfiguration<>()
        .setExpiryPolicyFactory(FactoryBuilder.factoryOf(CreatedExpiryPolicy.class)))).isNull();
    assertThat(check.refusal(new MutableConfiguration<>()
        .setCacheLoaderFactory(FactoryBuilder.factoryOf(PlantedLoader.class))))
        .contains("cache loader factory", PlantedLoader.class.getName(), "kamacache.serialization.allow");
    assertThat(check.refusal(new MutableConfiguration<>()
        .setCacheWriterFactory(new FactoryBuilder.ClassFactory<>("io.kamacache.NoSuchWriter"))))
        .contains("cache writer factory", "io.kamacache.NoSuchWriter", "does not have");
    assertThat(new DefinitionFactories(List.of("com.acme.planted.*"), getClass().getClassLoader())
        .refusal(new MutableConfiguration<>().setCacheLoaderFactory(FactoryBuilder.factoryOf(PlantedLoader.class))))
        .isNull();
  }

  private static ObjectInputFilter.FilterInfo info(Class<?> clazz) {
    return new ObjectInputFilter.FilterInfo() {
      @Override public Class<?> serialClass() {
        return clazz;
      }

      @Override public long arrayLength() {
        return -1;
      }

      @Override public long depth() {
        return 1;
      }

      @Override public long references() {
        return 1;
      }

      @Override public long streamBytes() {
        return 1;
      }
    };
  }
}
