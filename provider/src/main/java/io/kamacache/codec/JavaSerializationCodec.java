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
  private final DecodeLimits limits;

  /** A codec for bytes this process produced itself. */
  public JavaSerializationCodec() {
    this(null, null, null);
  }

  /**
   * A codec that decodes only what {@code filter} allows (anything if null) and what stays within
   * {@code limits} (none if null), naming {@code allowSetting} (if not null) when it refuses a class.
   */
  JavaSerializationCodec(ObjectInputFilter filter, String allowSetting, DecodeLimits limits) {
    this.filter = filter;
    this.allowSetting = allowSetting;
    this.limits = limits;
  }

  @Override
  public byte[] encode(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128); // the stream header and a small value without growing
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
    return decode(bytes, 0, bytes.length, classLoader);
  }

  /**
   * The object in {@code length} bytes of {@code bytes} from {@code offset}. Whatever the bytes,
   * this returns an object or throws {@link CodecException}.
   */
  Object decode(byte[] bytes, int offset, int length, ClassLoader classLoader) {
    String tooLong = limits == null ? null : limits.checkLength(length);
    if (tooLong != null) {
      throw new CodecException(LIMITS + tooLong, null);
    }
    if (limits != null) {
      // Before any object is made: the hashing a value causes is not something a filter can see.
      StreamScan.check(bytes, offset, length, limits);
    }
    DecodeLimits.StreamFilter limited = limits == null ? null : limits.forStream(filter, length);
    ObjectInputFilter streamFilter = limited != null ? limited : filter;
    // The stream's own error says only "filter status: REJECTED"; remember what was refused.
    ObjectInputFilter.FilterInfo[] refused = new ObjectInputFilter.FilterInfo[1];
    try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes, offset, length), classLoader,
        streamFilter != null)) {
      if (streamFilter != null) {
        in.setObjectInputFilter(info -> {
          ObjectInputFilter.Status status = streamFilter.checkInput(info);
          if (status == ObjectInputFilter.Status.REJECTED && refused[0] == null) {
            refused[0] = info;
          }
          return status;
        });
      }
      return in.readObject();
    } catch (IOException | ClassNotFoundException | RuntimeException | StackOverflowError | InternalError e) {
      // InternalError: JDK classes assert on what they read with it, e.g. Map.of's serial form
      // with an odd number of keys and values (found by WireCodecFuzzTest).
      // A class's readObject may wrap the stream's exception in its own, so look at what refused first.
      throw new CodecException(failure(e, limited, refused[0]), e);
    }
  }

  private String failure(Throwable e, DecodeLimits.StreamFilter limited, ObjectInputFilter.FilterInfo refused) {
    if (limited != null && limited.refusal() != null) {
      return LIMITS + limited.refusal();
    }
    if (e instanceof ProxyRefused) {
      return PROXY_REFUSED;
    }
    if (refused != null && e instanceof InvalidClassException) {
      return refusal(refused, (InvalidClassException) e);
    }
    if (e instanceof StackOverflowError) {
      // The depth limit keeps the stream's own nesting far inside the stack, but a hash code can
      // still recurse without end: a list that contains itself, read into a set, has none.
      return "cannot deserialize a value: computing it recursed beyond the thread's stack"
          + " (a collection that contains itself, used as a set element or map key?)";
    }
    if (e instanceof RuntimeException || e instanceof InternalError) {
      // A class's own readObject or readResolve, or the stream's type checks, refused the data;
      // their messages may quote field values, so only the exception's type goes in ours.
      return "cannot deserialize a value: it is malformed (" + e.getClass().getName() + ")";
    }
    return "cannot deserialize a value: " + e;
  }

  static final String LIMITS = "cannot deserialize a value: it exceeds the deserialization limits: ";

  static final String PROXY_REFUSED =
      "cannot deserialize a value: it holds a dynamic proxy, and those are never accepted from other processes";

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

  /**
   * Resolves classes through the cache manager's class loader, as JSR-107 requires. A filtered
   * stream refuses dynamic proxies: the stream resolves a proxy class, defining a new one for each
   * new list of interfaces, before the filter sees it, so a sender could fill the metaspace with
   * classes the allow-list would then refuse anyway.
   */
  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader classLoader;
    private final boolean filtered;

    LoaderObjectInputStream(InputStream in, ClassLoader classLoader, boolean filtered) throws IOException {
      super(in);
      this.classLoader = classLoader;
      this.filtered = filtered;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, classLoader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }

    @Override
    protected Class<?> resolveProxyClass(String[] interfaces) throws IOException, ClassNotFoundException {
      if (filtered) {
        throw new ProxyRefused();
      }
      return super.resolveProxyClass(interfaces);
    }
  }

  /** A filtered stream held a dynamic proxy. */
  private static final class ProxyRefused extends InvalidClassException {
    private static final long serialVersionUID = 1L;

    ProxyRefused() {
      super("dynamic proxy classes are not accepted");
    }
  }
}
