/**
 * Entry processors: the {@link javax.cache.processor.MutableEntry} a processor works on, which
 * records the net effect of its calls so the cache applies it afterwards, or nothing if it throws.
 */
package io.kamacache.processor;
