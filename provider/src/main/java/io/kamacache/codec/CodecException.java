package io.kamacache.codec;

import javax.cache.CacheException;

/** A key or value could not be encoded or decoded. */
public class CodecException extends CacheException {
  private static final long serialVersionUID = 1L;

  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
