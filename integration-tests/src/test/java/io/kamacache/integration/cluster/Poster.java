package io.kamacache.integration.cluster;

import com.acme.shop.Status;
import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** A cached entity whose state holds an application class the default allow-list refuses. */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Poster {
  @Id
  private Long id;

  @Enumerated(EnumType.STRING)
  private Status status;

  protected Poster() {}

  public Poster(Long id, Status status) {
    this.id = id;
    this.status = status;
  }

  public Status getStatus() {
    return status;
  }
}
