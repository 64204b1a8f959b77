/**
 * The configuration file, {@code kamacache.yaml}: finding it (and the older {@code .properties}
 * settings file) for a cache manager, reading it with snakeyaml-engine, and checking every key,
 * value and class name in it before anything starts. It yields a neutral model that the rest of
 * the provider acts on: a {@link io.kamacache.configuration.CacheSettings} per declared cache and
 * template, and the cluster settings flattened to the property names of {@code kamacache.properties}.
 * Nothing here depends on the caches or the cluster.
 */
package io.kamacache.configuration;
