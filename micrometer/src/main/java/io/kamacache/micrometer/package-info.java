/**
 * The Micrometer binder for KamaCache: {@link io.kamacache.micrometer.KamaCacheMetrics} registers
 * every cache's JSR-107 statistics under Micrometer's {@code cache.*} names, KamaCache's own
 * figures (size, expirations, operation times) and, for a clustered manager, the member's.
 */
package io.kamacache.micrometer;
