package io.kamacache.configuration;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the file writes them: a whole number and a unit, {@code 500ms}, {@code 10m}, {@code 1d}. */
final class Durations {

  static final String UNITS = "ms (milliseconds), s, m, h or d";

  private static final Pattern FORM = Pattern.compile("(\\d{1,18})\\s*(ms|s|m|h|d)");

  private Durations() {}

  /** The amount and unit of {@code text}, or null if it is not a duration. */
  static javax.cache.expiry.Duration parse(String text) {
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    long amount = Long.parseLong(m.group(1));
    TimeUnit unit = switch (m.group(2)) {
      case "ms" -> TimeUnit.MILLISECONDS;
      case "s" -> TimeUnit.SECONDS;
      case "m" -> TimeUnit.MINUTES;
      case "h" -> TimeUnit.HOURS;
      default -> TimeUnit.DAYS;
    };
    return new javax.cache.expiry.Duration(unit, amount);
  }

  static Duration toJava(javax.cache.expiry.Duration duration) {
    return Duration.of(duration.getDurationAmount(), duration.getTimeUnit().toChronoUnit());
  }
}
