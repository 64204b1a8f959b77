package io.kamacache.transport;

import io.kamacache.codec.CodecException;
import io.kamacache.proto.v1.Error;
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

  private static Error.Code codeOf(Throwable t) {
    if (t instanceof CacheLoaderException) {
      return Error.Code.LOADER;
    }
    if (t instanceof CacheWriterException) {
      return Error.Code.WRITER;
    }
    if (t instanceof EntryProcessorException) {
      return Error.Code.PROCESSOR;
    }
    if (t instanceof CacheEntryListenerException) {
      return Error.Code.LISTENER;
    }
    if (t instanceof CodecException) {
      return Error.Code.CODEC;
    }
    if (t instanceof ClassCastException) {
      return Error.Code.CLASS_CAST;
    }
    if (t instanceof NullPointerException) {
      return Error.Code.NULL_POINTER;
    }
    if (t instanceof IllegalArgumentException) {
      return Error.Code.ILLEGAL_ARGUMENT;
    }
    if (t instanceof IllegalStateException) {
      return Error.Code.ILLEGAL_STATE;
    }
    if (t instanceof UnsupportedOperationException) {
      return Error.Code.UNSUPPORTED;
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
    String message = error.getMessage();
    switch (error.getCode()) {
      case LOADER:
        return withCause(new CacheLoaderException(message), cause);
      case WRITER:
        return withCause(new CacheWriterException(message), cause);
      case PROCESSOR:
        return withCause(new EntryProcessorException(message), cause);
      case LISTENER:
        return withCause(new CacheEntryListenerException(message), cause);
      case CODEC:
        return new CodecException(message, cause);
      case CLASS_CAST:
        return withCause(new ClassCastException(message), cause);
      case NULL_POINTER:
        return withCause(new NullPointerException(message), cause);
      case ILLEGAL_ARGUMENT:
        return new IllegalArgumentException(message, cause);
      case ILLEGAL_STATE:
        return new IllegalStateException(message, cause);
      case UNSUPPORTED:
        return new UnsupportedOperationException(message, cause);
      default:
        return new RemoteCacheException(error.getType(), message, cause);
    }
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
