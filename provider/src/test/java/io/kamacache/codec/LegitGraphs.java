package io.kamacache.codec;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/** Values applications really cache, to check that the decoding limits leave them alone. */
final class LegitGraphs {

  private LegitGraphs() {}

  /** A customer with orders of lines of products in a category tree: DTOs in lists and maps of DTOs. */
  static Customer customer() {
    Category root = new Category("all", null);
    Category garden = new Category("garden", root);
    Category tools = new Category("tools", garden);
    Category spades = new Category("spades", tools);
    Map<String, List<String>> attributes = new TreeMap<>();
    attributes.put("colour", List.of("green", "black"));
    attributes.put("material", new ArrayList<>(List.of("steel", "ash")));
    Product spade = new Product("SP-1", spades, attributes);
    Product rake = new Product("RK-2", tools, new TreeMap<>());
    List<Order> orders = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      List<Line> lines = new ArrayList<>();
      lines.add(new Line(spade, 1 + i, new BigDecimal("24.90")));
      lines.add(new Line(rake, 2, new BigDecimal("12.50")));
      orders.add(new Order("o-" + i, Instant.ofEpochSecond(1_700_000_000L + i), lines, Order.Status.values()[i % 3]));
    }
    Map<String, Address> addresses = new LinkedHashMap<>();
    addresses.put("home", new Address("1 High Street", "Springfield", "12345"));
    addresses.put("work", new Address("2 Low Road", "Shelbyville", "54321"));
    return new Customer("c-1", "alice", addresses, orders);
  }

  /**
   * What Hibernate keeps in a second-level cache region: an entity's disassembled state as a
   * {@code Serializable[]}, with collection keys, a version and the subclass name.
   */
  static EntityEntry hibernateEntry() {
    Serializable[] state = {
        "alice", 42L, new Date(1_700_000_000_000L), new BigDecimal("1999.99"), Order.Status.SHIPPED,
        new byte[] {1, 2, 3}, null, new Serializable[] {7L, 8L, 9L}, new Serializable[] {"x", new Serializable[] {1}}};
    return new EntityEntry(state, "com.example.Customer", 3, false);
  }

  /** A serializable lambda that captures a value. */
  static SerializableFunction<String, String> lambda(String suffix) {
    return value -> value + suffix;
  }

  /** JSON-like documents: maps of lists of maps, {@code levels} deep. */
  static Map<String, Object> document(int levels) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("name", "leaf");
    document.put("count", 3);
    for (int i = 1; i < levels; i++) {
      Map<String, Object> parent = new LinkedHashMap<>();
      parent.put("level", i);
      parent.put("children", new ArrayList<>(List.of(document, "sibling")));
      document = parent;
    }
    return document;
  }

  /**
   * Products by name of their category, {@code products} of them, as a {@code Map<String,
   * List<Line>>}: the lines of a category share products, and the products share categories and
   * attribute lists.
   */
  static Map<String, List<Line>> catalogue(int products) {
    Category root = new Category("all", null);
    List<Category> categories = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      categories.add(new Category("category-" + i, root));
    }
    Map<String, List<String>> attributes = new TreeMap<>();
    attributes.put("colour", List.of("green", "black"));
    Map<String, List<Line>> catalogue = new java.util.HashMap<>();
    for (int i = 0; i < products; i++) {
      Category category = categories.get(i % categories.size());
      Product product = new Product("SKU-" + i, category, attributes);
      List<Line> lines = catalogue.computeIfAbsent(category.name(), name -> new ArrayList<>());
      lines.add(new Line(product, 1, new BigDecimal("9.99")));
      lines.add(new Line(product, 10, new BigDecimal("89.90")));
    }
    return catalogue;
  }

  /** A HashSet of {@code strings} distinct strings. */
  static java.util.Set<String> stringSet(int strings) {
    java.util.Set<String> set = new java.util.HashSet<>();
    for (int i = 0; i < strings; i++) {
      set.add("key-" + i);
    }
    return set;
  }

  /**
   * A HashMap of {@code keys} distinct String keys to Integers. Each entry is two objects, so the
   * reference limit ({@link WireCodec#MAX_REFERENCES}) allows a little under 50,000 of them.
   */
  static Map<String, Integer> stringKeys(int keys) {
    Map<String, Integer> map = new java.util.HashMap<>();
    for (int i = 0; i < keys; i++) {
      map.put("key-" + i, i);
    }
    return map;
  }

  /** A HashSet of {@code lines} lines of 20 products, which share one category tree and attribute map. */
  static java.util.Set<Line> lineSet(int lines) {
    Category tools = new Category("tools", new Category("garden", new Category("all", null)));
    Map<String, List<String>> attributes = new TreeMap<>();
    attributes.put("colour", List.of("green", "black"));
    attributes.put("material", List.of("steel", "ash"));
    java.util.Set<Line> set = new java.util.HashSet<>();
    for (int i = 0; i < lines; i++) {
      set.add(new Line(new Product("SKU-" + (i % 20), tools, attributes), i, new BigDecimal("1.00")));
    }
    return set;
  }

  /** A file attached to a record: a DTO with a byte array of {@code length} bytes. */
  static Attachment attachment(int length) {
    byte[] content = new byte[length];
    new java.util.Random(length).nextBytes(content);
    return new Attachment("report.pdf", "application/pdf", content);
  }

  /** About 1 KB serialized: a customer with one order of two lines. */
  static Customer typicalValue() {
    Category tools = new Category("tools", new Category("all", null));
    Product spade = new Product("SP-1", tools, new TreeMap<>(Map.of("colour", List.of("green"))));
    List<Line> lines = new ArrayList<>(List.of(new Line(spade, 1, new BigDecimal("24.90")),
        new Line(spade, 2, new BigDecimal("49.80"))));
    Map<String, Address> addresses = new LinkedHashMap<>();
    addresses.put("home", new Address("1 High Street", "Springfield", "12345"));
    return new Customer("c-2", "bob", addresses,
        new ArrayList<>(List.of(new Order("o-9", Instant.ofEpochSecond(1_700_000_000L), lines, Order.Status.PAID))));
  }

  record Attachment(String name, String mediaType, byte[] content) implements Serializable {}

  /** A lambda that survives serialization. */
  interface SerializableFunction<T, R> extends Function<T, R>, Serializable {}

  abstract static class Entity implements Serializable {
    private static final long serialVersionUID = 1L;
    final String id;
    final long version = 1;

    Entity(String id) {
      this.id = id;
    }
  }

  abstract static class AuditedEntity extends Entity {
    private static final long serialVersionUID = 1L;
    final Instant created = Instant.ofEpochSecond(1_600_000_000L);
    final String createdBy = "system";

    AuditedEntity(String id) {
      super(id);
    }
  }

  static final class Customer extends AuditedEntity {
    private static final long serialVersionUID = 1L;
    final String name;
    final Map<String, Address> addresses;
    final List<Order> orders;

    Customer(String id, String name, Map<String, Address> addresses, List<Order> orders) {
      super(id);
      this.name = name;
      this.addresses = addresses;
      this.orders = orders;
    }

    @Override public boolean equals(Object o) {
      return o instanceof Customer c && c.id.equals(id) && c.name.equals(name) && c.addresses.equals(addresses)
          && c.orders.equals(orders);
    }

    @Override public int hashCode() {
      return Objects.hash(id, name);
    }
  }

  record Address(String street, String city, String postcode) implements Serializable {}

  static final class Order extends Entity {
    private static final long serialVersionUID = 1L;

    enum Status { NEW, PAID, SHIPPED }

    final Instant placed;
    final List<Line> lines;
    final Status status;

    Order(String id, Instant placed, List<Line> lines, Status status) {
      super(id);
      this.placed = placed;
      this.lines = lines;
      this.status = status;
    }

    @Override public boolean equals(Object o) {
      return o instanceof Order other && other.id.equals(id) && other.placed.equals(placed)
          && other.lines.equals(lines) && other.status == status;
    }

    @Override public int hashCode() {
      return id.hashCode();
    }
  }

  record Line(Product product, int quantity, BigDecimal price) implements Serializable {}

  record Product(String sku, Category category, Map<String, List<String>> attributes) implements Serializable {}

  record Category(String name, Category parent) implements Serializable {}

  static final class EntityEntry implements Serializable {
    private static final long serialVersionUID = 1L;
    final Serializable[] disassembledState;
    final String subclass;
    final Object version;
    final boolean lazyPropertiesAreUnfetched;

    EntityEntry(Serializable[] disassembledState, String subclass, Object version, boolean lazyPropertiesAreUnfetched) {
      this.disassembledState = disassembledState;
      this.subclass = subclass;
      this.version = version;
      this.lazyPropertiesAreUnfetched = lazyPropertiesAreUnfetched;
    }
  }
}
