package io.kamacache.integration.cluster;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.annotations.NaturalId;
import org.hibernate.annotations.NaturalIdCache;

/** A read-write entity with a cached, mutable natural id. */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
@NaturalIdCache
public class Volume {
  @Id
  private Long id;

  @NaturalId(mutable = true)
  private String isbn;

  private String title;

  @ManyToOne
  private Shelf shelf;

  protected Volume() {}

  public Volume(Long id, String isbn, String title, Shelf shelf) {
    this.id = id;
    this.isbn = isbn;
    this.title = title;
    this.shelf = shelf;
  }

  public String getTitle() {
    return title;
  }

  public void setTitle(String title) {
    this.title = title;
  }

  public void setIsbn(String isbn) {
    this.isbn = isbn;
  }
}
