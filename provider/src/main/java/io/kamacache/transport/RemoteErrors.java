package io.kamacache.transport;

import io.kamacache.codec.CodecException;
import io.kamacache.processor.EntryLockLostException;
import io.kamacache.proto.v1.Error;
import java.util.List;
import java.util.function.BiFunction;
import javax.cache.CacheException;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriterException;
import javax.cache.processor.EntryProcessorException;

/**
 * Exceptions across the wire. The owner turns what an operation threw into a typed
 * {@link Error}; the caller turns it back into the same exception type it would have seen in
 * embedded mode. Only types and messages travel: no exception is ever deserialized.
 */
public final class RemoteErrors {

  private RemoteErrors() {}

  public static Error toProto(Throwable t) {
    Error.Builder error = Error.newBuilder()
        .setCode(codeOf(t))
        .setType(t.getClass().getName())
        .setMessage(t.getMessage() == null ? "" : t.getMessage());
    Throwable cause = t.getCause();
    if (cause != null && cause != t) {
      error.setCause(toProto(cause));
    }
    return error.build();
  }

  public static Error notOwner(long epoch) {
    return notOwner(epoch, "not the owner");
  }

  /** A refusal the caller retries: this member may not serve the key now, for the reason given. */
  public static Error notOwner(long epoch, String why) {
    return Error.newBuilder().setCode(Error.Code.NOT_OWNER).setEpoch(epoch)
        .setMessage(why + " (epoch " + epoch + ")").build();
  }

  public static Error unknownCache(String name) {
    return Error.newBuilder().setCode(Error.Code.UNKNOWN_CACHE)
        .setMessage("no cache named '" + name + "' on this member").build();
  }

  /** One kind of exception that crosses the wire as itself: its code, its type, and how the caller remakes it. */
  private record Kind(Error.Code code, Class<? extends Throwable> type,
      BiFunction<String, Throwable, RuntimeException> remake) {}

  /** The one mapping, both ways; the first type an exception is an instance of gives its code. */
  private static final List<Kind> KINDS = List.of(
      new Kind(Error.Code.LOADER, CacheLoaderException.class, (m, c) -> withCause(new CacheLoaderException(m), c)),
      new Kind(Error.Code.WRITER, CacheWriterException.class, (m, c) -> withCause(new CacheWriterException(m), c)),
      new Kind(Error.Code.PROCESSOR, EntryProcessorException.class,
          (m, c) -> withCause(new EntryProcessorException(m), c)),
      new Kind(Error.Code.LISTENER, CacheEntryListenerException.class,
          (m, c) -> withCause(new CacheEntryListenerException(m), c)),
      new Kind(Error.Code.CODEC, CodecException.class, CodecException::new),
      new Kind(Error.Code.LOCK_LOST, EntryLockLostException.class, (m, c) -> withCause(new EntryLockLostException(m), c)),
      new Kind(Error.Code.CLASS_CAST, ClassCastException.class, (m, c) -> withCause(new ClassCastException(m), c)),
      new Kind(Error.Code.NULL_POINTER, NullPointerException.class, (m, c) -> withCause(new NullPointerException(m), c)),
      new Kind(Error.Code.ILLEGAL_ARGUMENT, IllegalArgumentException.class, IllegalArgumentException::new),
      new Kind(Error.Code.ILLEGAL_STATE, IllegalStateException.class, IllegalStateException::new),
      new Kind(Error.Code.UNSUPPORTED, UnsupportedOperationException.class, UnsupportedOperationException::new));

  private static Error.Code codeOf(Throwable t) {
    for (Kind kind : KINDS) {
      if (kind.type().isInstance(t)) {
        return kind.code();
      }
    }
    return Error.Code.INTERNAL;
  }

  /** The exception the caller throws for {@code error}, with its cause chain rebuilt. */
  public static RuntimeException toException(Error error) {
    Throwable rebuilt = toThrowable(error);
    return rebuilt instanceof RuntimeException ? (RuntimeException) rebuilt
        : new RemoteCacheException(error.getType(), error.getMessage(), rebuilt);
  }

  private static Throwable toThrowable(Error error) {
    Throwable cause = error.hasCause() ? toThrowable(error.getCause()) : null;
    if (error.getCode() == Error.Code.INTERNAL) {
      Throwable jdk = jdkThrowable(error.getType(), error.getMessage(), cause);
      if (jdk != null) {
        return jdk;
      }
    }
    return typed(error, cause);
  }

  /**
   * A JDK exception or error of the named type, made through its public (String) constructor:
   * the caller then sees what the owner threw. Only java.* types are made; nothing is deserialized.
   */
  private static Throwable jdkThrowable(String type, String message, Throwable cause) {
    if (!type.startsWith("java.")) {
      return null;
    }
    try {
      Class<?> clazz = Class.forName(type, false, RemoteErrors.class.getClassLoader());
      if (!Throwable.class.isAssignableFrom(clazz)) {
        return null;
      }
      Throwable made = (Throwable) clazz.getConstructor(String.class).newInstance(message.isEmpty() ? null : message);
      if (cause != null) {
        made.initCause(cause);
      }
      return made;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }

  private static RuntimeException typed(Error error, Throwable cause) {
    for (Kind kind : KINDS) {
      if (kind.code() == error.getCode()) {
        return kind.remake().apply(error.getMessage(), cause);
      }
    }
    return new RemoteCacheException(error.getType(), error.getMessage(), cause);
  }

  private static RuntimeException withCause(RuntimeException e, Throwable cause) {
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  /** An exception of a type the caller does not rebuild, named by its original class. */
  public static final class RemoteCacheException extends CacheException {
    private static final long serialVersionUID = 1L;
    private final String remoteType;

    RemoteCacheException(String remoteType, String message, Throwable cause) {
      super(remoteType + ": " + message, cause);
      this.remoteType = remoteType;
    }

    /** The class name of the exception on the member that threw it. */
    public String remoteType() {
      return remoteType;
    }
  }
}
