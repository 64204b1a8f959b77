package io.kamacache.cluster;

import io.kamacache.codec.WireCodec;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryListener;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;

/**
 * Keeps cache definitions read from etcd from making members instantiate arbitrary classes.
 *
 * <p>A definition is a Java-serialized configuration, decoded through the serialization
 * allow-list, so every object in it is of an allowed class. A {@link FactoryBuilder.ClassFactory}
 * is the exception: it holds only a class name, and creating the cache instantiates that class by
 * name, whatever it is. So every {@code ClassFactory} in a definition (cache loader, writer, expiry
 * policy, and each listener configuration's listener and filter) must name a class that the same
 * allow-list admits ({@link WireCodec#DEFAULT_ALLOWED} plus {@value WireCodec#ALLOW_SETTING}), and
 * one of the type the factory is for. Names are matched against the patterns as the JDK's
 * serialization filter matches them; the class is loaded for the type check only once its name is
 * allowed, and never initialized.
 */
final class DefinitionFactories {

  private static final Field CLASS_NAME = className();

  private final List<String> patterns;
  private final ClassLoader classLoader;

  /** @param allowed the user's additions to {@link WireCodec#DEFAULT_ALLOWED} */
  DefinitionFactories(List<String> allowed, ClassLoader classLoader) {
    List<String> all = new ArrayList<>(WireCodec.DEFAULT_ALLOWED);
    for (String pattern : allowed) {
      all.add(pattern.trim());
    }
    this.patterns = List.copyOf(all);
    this.classLoader = classLoader;
  }

  /**
   * Why {@code configuration} may not be acted on, or null if every class factory in it names an
   * allowed class of the right type.
   */
  String refusal(CompleteConfiguration<?, ?> configuration) {
    List<String> problems = new ArrayList<>();
    check("cache loader", configuration.getCacheLoaderFactory(), CacheLoader.class, problems);
    check("cache writer", configuration.getCacheWriterFactory(), CacheWriter.class, problems);
    check("expiry policy", configuration.getExpiryPolicyFactory(), ExpiryPolicy.class, problems);
    for (CacheEntryListenerConfiguration<?, ?> listener : configuration.getCacheEntryListenerConfigurations()) {
      check("cache entry listener", listener.getCacheEntryListenerFactory(), CacheEntryListener.class, problems);
      check("cache entry event filter", listener.getCacheEntryEventFilterFactory(), CacheEntryEventFilter.class,
          problems);
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  private void check(String role, Factory<?> factory, Class<?> type, List<String> problems) {
    if (!(factory instanceof FactoryBuilder.ClassFactory)) {
      return; // anything else was decoded through the allow-list, with everything it holds
    }
    String name = nameIn((FactoryBuilder.ClassFactory<?>) factory);
    if (name == null) {
      problems.add("its " + role + " factory is a FactoryBuilder.ClassFactory whose class name cannot be read");
      return;
    }
    if (!allowed(name)) {
      problems.add("its " + role + " factory is a FactoryBuilder.ClassFactory of class '" + name + "', which "
          + WireCodec.ALLOW_SETTING + " does not allow");
      return;
    }
    try {
      Class<?> named = Class.forName(name, false, classLoader);
      if (!type.isAssignableFrom(named)) {
        problems.add("its " + role + " factory is a FactoryBuilder.ClassFactory of class '" + name + "', which is not a "
            + type.getName());
      }
    } catch (ClassNotFoundException | LinkageError e) {
      problems.add("its " + role + " factory is a FactoryBuilder.ClassFactory of class '" + name
          + "', which this member does not have: " + e);
    }
  }

  /** Whether {@code name} matches a pattern as {@link java.io.ObjectInputFilter.Config#createFilter} reads it. */
  boolean allowed(String name) {
    if (!plausible(name)) {
      return false;
    }
    for (String pattern : patterns) {
      if (matches(pattern, name)) {
        return true;
      }
    }
    return false;
  }

  /** A binary class name: no array, module, path or separator characters that a pattern could be fooled by. */
  private static boolean plausible(String name) {
    if (name.isEmpty() || name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(Character.isJavaIdentifierPart(c) || c == '.') || Character.isIdentifierIgnorable(c)) {
        return false;
      }
    }
    return true;
  }

  static boolean matches(String pattern, String name) {
    if (pattern.isEmpty() || pattern.contains("/") || pattern.contains("=") || pattern.startsWith("!")) {
      return false; // module-qualified patterns and limits name no class by name alone: not here
    }
    if (pattern.endsWith(".**")) {
      return name.startsWith(pattern.substring(0, pattern.length() - 2));
    }
    if (pattern.endsWith(".*")) {
      String pkg = pattern.substring(0, pattern.length() - 1);
      return name.startsWith(pkg) && name.indexOf('.', pkg.length()) < 0;
    }
    if (pattern.endsWith("*")) {
      return name.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return name.equals(pattern);
  }

  private static String nameIn(FactoryBuilder.ClassFactory<?> factory) {
    if (CLASS_NAME == null) {
      return null;
    }
    try {
      Object name = CLASS_NAME.get(factory);
      return name instanceof String ? (String) name : null;
    } catch (IllegalAccessException e) {
      return null;
    }
  }

  /** JSR-107 gives ClassFactory no getter for its class name. Without access to the field, every ClassFactory is refused. */
  private static Field className() {
    try {
      Field field = FactoryBuilder.ClassFactory.class.getDeclaredField("className");
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
