package io.kamacache.codec;


/**
 * Store-by-value that copies only what can change. Immutable JDK types are kept as they are;
 * {@code byte[]} is cloned; plain Serializable object graphs are copied field by field
 * ({@link GraphCopier}), on write and on every read, with the result a serialization round trip
 * would give; anything else is kept encoded and decoded for each reader, which costs one
 * serialization per write and one deserialization per read, instead of two of each.
 */
public final class ByValueCopier implements Copier {


  private final Codec codec;
  private final ClassLoader classLoader;

  public ByValueCopier(Codec codec, ClassLoader classLoader) {
    this.codec = codec;
    this.classLoader = classLoader;
  }

  /** Whether a value of this exact class can be shared without copying. */
  private static boolean isImmutable(Object value) {
    return ImmutableTypes.contains(value.getClass());
  }

  @Override
  public Object toStored(Object value) {
    if (isImmutable(value)) {
      return value;
    }
    if (value instanceof byte[]) {
      return ((byte[]) value).clone();
    }
    try {
      return new Copied(GraphCopier.copy(value));
    } catch (GraphCopier.Unsupported e) {
      return new Serialized(codec.encode(value));
    }
  }

  @Override
  public Object fromStored(Object stored) {
    if (stored instanceof Copied) {
      try {
        return GraphCopier.copy(((Copied) stored).value);
      } catch (GraphCopier.Unsupported e) {
        throw new IllegalStateException("a stored copy could be made but not copied again", e);
      }
    }
    if (stored instanceof Serialized) {
      return codec.decode(((Serialized) stored).bytes, classLoader);
    }
    if (stored instanceof byte[]) {
      return ((byte[]) stored).clone();
    }
    return stored;
  }

  @Override
  public Object copyKey(Object key) {
    if (isImmutable(key)) {
      return key;
    }
    if (key instanceof byte[]) {
      return ((byte[]) key).clone();
    }
    try {
      return GraphCopier.copy(key);
    } catch (GraphCopier.Unsupported e) {
      return codec.decode(codec.encode(key), classLoader);
    }
  }

  /**
   * A private copy of a value, made field by field: nobody outside the cache holds a reference
   * to it, and every reader gets a copy of it.
   */
  private static final class Copied {
    final Object value;

    Copied(Object value) {
      this.value = value;
    }
  }
}
