package io.kamacache.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;
import java.util.UUID;

/**
 * Store-by-value that copies only what can change. Immutable JDK types are kept as they are;
 * {@code byte[]} is cloned; everything else is kept encoded and decoded for each reader, which
 * costs one serialization per write and one deserialization per read, instead of two of each.
 */
public final class ByValueCopier implements Copier {

  private static final Set<Class<?>> IMMUTABLE = Set.of(
      String.class, Boolean.class, Byte.class, Short.class, Integer.class, Long.class,
      Float.class, Double.class, Character.class, BigInteger.class, BigDecimal.class, UUID.class,
      java.time.Instant.class, java.time.Duration.class, java.time.LocalDate.class,
      java.time.LocalTime.class, java.time.LocalDateTime.class, java.time.OffsetDateTime.class,
      java.time.ZonedDateTime.class, java.time.Period.class, java.time.Year.class,
      java.time.YearMonth.class, java.time.MonthDay.class, java.time.ZoneOffset.class,
      java.net.URI.class, Class.class);

  private final Codec codec;
  private final ClassLoader classLoader;

  public ByValueCopier(Codec codec, ClassLoader classLoader) {
    this.codec = codec;
    this.classLoader = classLoader;
  }

  /** Whether a value of this exact class can be shared without copying. */
  public static boolean isImmutable(Object value) {
    Class<?> type = value.getClass();
    return IMMUTABLE.contains(type) || type.isEnum() || (type.getSuperclass() != null && type.getSuperclass().isEnum());
  }

  @Override
  public Object toStored(Object value) {
    if (isImmutable(value)) {
      return value;
    }
    if (value instanceof byte[]) {
      return ((byte[]) value).clone();
    }
    return new Serialized(codec.encode(value));
  }

  @Override
  public Object fromStored(Object stored) {
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
    return codec.decode(codec.encode(key), classLoader);
  }
}
