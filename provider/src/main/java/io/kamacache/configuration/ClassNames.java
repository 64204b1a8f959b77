package io.kamacache.configuration;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import javax.cache.configuration.Factory;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Class names in the file, resolved through the cache manager's class loader and checked for
 * their kind when the file is read, so a wrong name fails at open rather than at first use.
 */
final class ClassNames {

  private final ClassLoader loader;
  private final Problems problems;

  ClassNames(ClassLoader loader, Problems problems) {
    this.loader = loader;
    this.problems = problems;
  }

  Class<?> type(Node node, String path, String name) {
    try {
      return Class.forName(name.trim(), false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw problems.at(node, path, "no class '" + name + "' on the cache manager's class loader", e);
    }
  }

  /**
   * A factory of {@code product} from a class that is either a {@code Factory} of it (created
   * now, once) or a {@code product} itself (created by each use of the factory).
   */
  @SuppressWarnings("unchecked")
  <T> Factory<T> factory(Node node, String path, String name, Class<?> product) {
    Class<?> named = type(node, path, name);
    String kind = "a " + Factory.class.getName() + "<" + product.getSimpleName() + "> or a " + product.getName();
    if (Factory.class.isAssignableFrom(named)) {
      Class<?> makes = madeBy(named);
      if (makes != null && !product.isAssignableFrom(makes)) {
        throw problems.at(node, path, name + " is a Factory of " + makes.getName() + ", not of " + product.getName());
      }
      Constructor<?> constructor = constructor(node, path, named);
      try {
        return (Factory<T>) constructor.newInstance();
      } catch (InvocationTargetException e) {
        throw problems.at(node, path, "the constructor of " + name + " failed: " + e.getCause(), e.getCause());
      } catch (ReflectiveOperationException e) {
        throw problems.at(node, path, "cannot create " + name + ": " + e, e);
      }
    }
    if (!product.isAssignableFrom(named)) {
      throw problems.at(node, path, name + " is not " + kind);
    }
    constructor(node, path, named);
    return new InstanceFactory<>((Class<? extends T>) named);
  }

  private Constructor<?> constructor(Node node, String path, Class<?> named) {
    if (named.isInterface() || Modifier.isAbstract(named.getModifiers())) {
      throw problems.at(node, path, named.getName() + " is abstract; name a concrete class");
    }
    try {
      Constructor<?> constructor = named.getConstructor();
      if (!Modifier.isPublic(named.getModifiers())) {
        throw problems.at(node, path, named.getName() + " is not public");
      }
      return constructor;
    } catch (NoSuchMethodException e) {
      throw problems.at(node, path, named.getName() + " has no public no-argument constructor", e);
    }
  }

  /** The class a Factory class says it makes, when it says so in its declaration; null otherwise. */
  private static Class<?> madeBy(Class<?> factoryClass) {
    for (Class<?> c = factoryClass; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Type type : c.getGenericInterfaces()) {
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == Factory.class) {
          Type argument = parameterized.getActualTypeArguments()[0];
          if (argument instanceof ParameterizedType p) {
            argument = p.getRawType();
          }
          return argument instanceof Class<?> made ? made : null;
        }
      }
    }
    return null;
  }
}
