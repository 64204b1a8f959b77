package io.kamacache.micrometer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

/** What a publishing registry does at every scrape, and shorthands for reading one meter. */
final class Scrapes {

  private Scrapes() {
  }

  /** Reads every meter once, as Prometheus' scrape or a push registry's publication does. */
  static void scrape(MeterRegistry registry) {
    for (Meter meter : registry.getMeters()) {
      meter.measure().forEach(measurement -> measurement.getValue());
    }
  }

  static Search find(MeterRegistry registry, String name, String... tags) {
    return registry.find(name).tags(tags);
  }

  /** The value of the one function counter with this name and tags; fails if there is none. */
  static double count(MeterRegistry registry, String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  static double gauge(MeterRegistry registry, String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }
}
