package io.kamacache.codec;

import java.io.ObjectInputFilter;
import java.io.Serializable;

/**
 * An allow-list that judges a deserialized lambda by the class that captured it. The stream names
 * a lambda only as a {@code SerializedLambda} with its capturing class, which the allow-list checks
 * as it reads them; reading it back then asks that class to make the lambda, and the stream shows
 * the filter the result: a hidden class named after the capturer ({@code Foo$$Lambda...}), which
 * no name pattern written for {@code Foo} matches. A stream cannot name a hidden class itself, so
 * one only ever reaches the filter this way, from code of a class already allowed.
 */
final class LambdaCapturerFilter implements ObjectInputFilter {

  private static final String LAMBDA_MARK = "$$Lambda";

  private final ObjectInputFilter allowList;

  LambdaCapturerFilter(ObjectInputFilter allowList) {
    this.allowList = allowList;
  }

  @Override
  public Status checkInput(FilterInfo info) {
    Class<?> capturer = capturerOf(info.serialClass());
    return allowList.checkInput(capturer == null ? info : new Substituted(info, capturer));
  }

  /** The class that captured {@code type} if it is a serializable lambda's class, else null. */
  private static Class<?> capturerOf(Class<?> type) {
    if (type == null || !type.isHidden() || !Serializable.class.isAssignableFrom(type)) {
      return null;
    }
    int mark = type.getName().indexOf(LAMBDA_MARK);
    if (mark <= 0) {
      return null;
    }
    try {
      return Class.forName(type.getName().substring(0, mark), false, type.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null; // then the hidden class is judged by its own name, which nothing allows
    }
  }

  /** What the stream saw, but of the capturing class. */
  private static final class Substituted implements FilterInfo {
    private final FilterInfo info;
    private final Class<?> type;

    Substituted(FilterInfo info, Class<?> type) {
      this.info = info;
      this.type = type;
    }

    @Override public Class<?> serialClass() {
      return type;
    }

    @Override public long arrayLength() {
      return info.arrayLength();
    }

    @Override public long depth() {
      return info.depth();
    }

    @Override public long references() {
      return info.references();
    }

    @Override public long streamBytes() {
      return info.streamBytes();
    }
  }
}
