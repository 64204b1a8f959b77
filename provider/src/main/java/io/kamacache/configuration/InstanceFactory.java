package io.kamacache.configuration;

import java.lang.reflect.InvocationTargetException;
import javax.cache.CacheException;
import javax.cache.configuration.Factory;

/**
 * Makes an instance of a class the file names directly (a {@code CacheLoader} rather than a
 * factory of one) through its public no-argument constructor. It holds the class itself, not its
 * name, so the instance comes from the class loader the file was checked against; in a cluster
 * the class travels through the serialization allow-list like any other.
 */
final class InstanceFactory<T> implements Factory<T> {
  private static final long serialVersionUID = 1L;

  private final Class<? extends T> type;

  InstanceFactory(Class<? extends T> type) {
    this.type = type;
  }

  @Override
  public T create() {
    try {
      return type.getConstructor().newInstance();
    } catch (InvocationTargetException e) {
      throw new CacheException("the constructor of " + type.getName() + " failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new CacheException("cannot create a " + type.getName() + ": " + e, e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof InstanceFactory && ((InstanceFactory<?>) other).type.equals(type);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }

  @Override
  public String toString() {
    return "InstanceFactory{" + type.getName() + "}";
  }
}
