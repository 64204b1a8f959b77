package io.kamacache.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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

  /** A codec for bytes this process produced itself. */
  public JavaSerializationCodec() {
    this(null);
  }

  /** A codec that decodes only what {@code filter} allows. */
  public JavaSerializationCodec(ObjectInputFilter filter) {
    this.filter = filter;
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
    try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes), classLoader)) {
      if (filter != null) {
        in.setObjectInputFilter(filter);
      }
      return in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new CodecException("cannot deserialize a value: " + e, e);
    }
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
