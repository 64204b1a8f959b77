package io.kamacache.integration;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Book {
  @Id
  private Long id;

  private String title;

  @ManyToOne
  private Author author;

  protected Book() {}

  public Book(Long id, String title, Author author) {
    this.id = id;
    this.title = title;
    this.author = author;
  }

  public String getTitle() {
    return title;
  }
}
