/**
 * Spring Boot auto-configuration for KamaCache: {@link io.kamacache.spring.boot.KamaCacheAutoConfiguration}
 * binds the JCache {@code CacheManager} Boot builds (when it is KamaCache's) to Micrometer and to a
 * {@code kamacache} health indicator.
 */
package io.kamacache.spring.boot;
