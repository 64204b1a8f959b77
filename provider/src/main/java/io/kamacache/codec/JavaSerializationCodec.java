package io.kamacache.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/**
 * Java serialization. Decoding applies an {@link ObjectInputFilter} when one is given: bytes from
 * outside the process must always be decoded with an allow-list, while bytes this process encoded
 * itself (store-by-value copies) need none.
 */
public final class JavaSerializationCodec implements Codec {

  private final ObjectInputFilter filter;
  private final String allowSetting;

  /** A codec for bytes this process produced itself. */
  public JavaSerializationCodec() {
    this(null, null);
  }

  /** A codec that decodes only what {@code filter} allows. */
  public JavaSerializationCodec(ObjectInputFilter filter) {
    this(filter, null);
  }

  /**
   * A codec that decodes only what {@code filter} allows, and whose error for a refused class
   * names {@code allowSetting}, the setting that would let it in.
   */
  public JavaSerializationCodec(ObjectInputFilter filter, String allowSetting) {
    this.filter = filter;
    this.allowSetting = allowSetting;
  }

  @Override
  public byte[] encode(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (NotSerializableException e) {
      throw new CodecException("cannot copy a " + value.getClass().getName()
          + ": it is not Serializable, and the cache stores by value; make it Serializable or"
          + " configure the cache with setStoreByValue(false)", e);
    } catch (IOException e) {
      throw new CodecException("cannot serialize a " + value.getClass().getName(), e);
    }
    return bytes.toByteArray();
  }

  @Override
  public Object decode(byte[] bytes, ClassLoader classLoader) {
    // The stream's own error says only "filter status: REJECTED"; remember what was refused.
    ObjectInputFilter.FilterInfo[] refused = new ObjectInputFilter.FilterInfo[1];
    try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes), classLoader)) {
      if (filter != null) {
        in.setObjectInputFilter(info -> {
          ObjectInputFilter.Status status = filter.checkInput(info);
          if (status == ObjectInputFilter.Status.REJECTED && refused[0] == null) {
            refused[0] = info;
          }
          return status;
        });
      }
      return in.readObject();
    } catch (InvalidClassException e) {
      if (refused[0] != null) {
        throw new CodecException(refusal(refused[0], e), e);
      }
      throw new CodecException("cannot deserialize a value: " + e, e);
    } catch (IOException | ClassNotFoundException e) {
      throw new CodecException("cannot deserialize a value: " + e, e);
    }
  }

  private String refusal(ObjectInputFilter.FilterInfo info, InvalidClassException e) {
    Class<?> refusedClass = info.serialClass();
    while (refusedClass != null && refusedClass.isArray()) {
      refusedClass = refusedClass.getComponentType();
    }
    // The same filter also caps depth, references and size; only a class it refuses on its own
    // is one the operator can let in.
    if (refusedClass == null || !refusesAlone(refusedClass)) {
      return "cannot deserialize a value: it exceeds the limits on depth, references or size (" + e.getMessage()
          + ", at depth " + info.depth() + ", " + info.references() + " references, " + info.streamBytes() + " bytes)";
    }
    String name = refusedClass.getName();
    String advice = allowSetting == null ? ""
        : "; to accept it, add it or a pattern that matches it (" + suggestion(refusedClass) + ") to " + allowSetting
            + " on the members that receive it";
    return "cannot deserialize a " + name + ": class " + name + " is not allowed (" + e.getMessage() + ")" + advice;
  }

  private boolean refusesAlone(Class<?> refusedClass) {
    ObjectInputFilter.FilterInfo alone = new ObjectInputFilter.FilterInfo() {
      @Override public Class<?> serialClass() {
        return refusedClass;
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
    return filter.checkInput(alone) == ObjectInputFilter.Status.REJECTED;
  }

  private static String suggestion(Class<?> refusedClass) {
    String pkg = refusedClass.getPackageName();
    return pkg.isEmpty() ? refusedClass.getName() : pkg + ".**";
  }

  /** Resolves classes through the cache manager's class loader, as JSR-107 requires. */
  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader classLoader;

    LoaderObjectInputStream(InputStream in, ClassLoader classLoader) throws IOException {
      super(in);
      this.classLoader = classLoader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, classLoader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
