package io.kamacache.management;

import static org.assertj.core.api.Assertions.assertThat;

import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/** CacheConfigurationBean reports the cache's configuration as it is at the moment it is asked. */
class CacheConfigurationBeanTest {

  @Test
  void reportsEveryValueOfTheLiveConfiguration() {
    MutableConfiguration<Long, String> configuration = new MutableConfiguration<Long, String>()
        .setTypes(Long.class, String.class)
        .setReadThrough(true)
        .setWriteThrough(false)
        .setStoreByValue(false)
        .setStatisticsEnabled(true)
        .setManagementEnabled(false);
    CacheConfigurationBean bean = new CacheConfigurationBean(() -> configuration);

    assertThat(bean.getKeyType()).isEqualTo("java.lang.Long");
    assertThat(bean.getValueType()).isEqualTo("java.lang.String");
    assertThat(bean.isReadThrough()).isTrue();
    assertThat(bean.isWriteThrough()).isFalse();
    assertThat(bean.isStoreByValue()).isFalse();
    assertThat(bean.isStatisticsEnabled()).isTrue();
    assertThat(bean.isManagementEnabled()).isFalse();

    configuration.setReadThrough(false).setWriteThrough(true).setStoreByValue(true)
        .setStatisticsEnabled(false).setManagementEnabled(true);

    assertThat(bean.isReadThrough()).isFalse();
    assertThat(bean.isWriteThrough()).isTrue();
    assertThat(bean.isStoreByValue()).isTrue();
    assertThat(bean.isStatisticsEnabled()).isFalse();
    assertThat(bean.isManagementEnabled()).isTrue();
  }
}
