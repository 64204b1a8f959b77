package io.kamacache.spring.boot;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.Cacheable;

/** A service whose reads are cached, and that counts how often it is really called. */
public class BookService {

  private final AtomicInteger calls = new AtomicInteger();

  @Cacheable("books")
  public String title(int id) {
    calls.incrementAndGet();
    return "title " + id;
  }

  int calls() {
    return calls.get();
  }
}
