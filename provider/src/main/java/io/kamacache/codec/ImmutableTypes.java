package io.kamacache.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.UUID;

/** The JDK types whose instances never change, so that a copy of one may be the instance itself. */
final class ImmutableTypes {

  private static final Set<Class<?>> IMMUTABLE = Set.of(
      String.class, Boolean.class, Byte.class, Short.class, Integer.class, Long.class,
      Float.class, Double.class, Character.class, BigInteger.class, BigDecimal.class, UUID.class,
      Instant.class, Duration.class, LocalDate.class,
      LocalTime.class, LocalDateTime.class, OffsetDateTime.class,
      ZonedDateTime.class, Period.class, Year.class,
      YearMonth.class, MonthDay.class, ZoneOffset.class,
      URI.class, Class.class);

  private ImmutableTypes() {}

  static boolean contains(Class<?> type) {
    return IMMUTABLE.contains(type) || type.isEnum() || (type.getSuperclass() != null && type.getSuperclass().isEnum());
  }
}
