package io.kamacache.integration.cluster;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** A read-write entity with a cached collection, for the clustered second-level cache test. */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Shelf {
  @Id
  private Long id;

  @OneToMany(mappedBy = "shelf")
  @OrderBy("id")
  @Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
  private List<Volume> volumes = new ArrayList<>();

  protected Shelf() {}

  public Shelf(Long id) {
    this.id = id;
  }

  public List<Volume> getVolumes() {
    return volumes;
  }
}
