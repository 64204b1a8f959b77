package io.kamacache.integration.cluster;

import com.acme.shop.Status;
import io.kamacache.integration.HibernateSettings;
import io.kamacache.jcache.KamaConfiguration;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.stat.Statistics;

/**
 * One application JVM of the clustered Hibernate test: a SessionFactory on a shared database whose
 * second-level cache is a KamaCache member, driven by one command a line on stdin. Each answer is
 * one line on stdout starting with {@value #ANSWER} (logs go to stderr); a failed command answers
 * {@code "ERR "} and its exception, and the node keeps serving.
 *
 * <p>Arguments: the JDBC URL, the URI of the KamaCache configuration file (passed to Hibernate as
 * {@code hibernate.javax.cache.uri}), and {@code create} to create the schema.
 */
public final class HibernateNode {

  static final String ANSWER = "=> ";

  private HibernateNode() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    // Hibernate and KamaCache log through java.util.logging, whose console goes to stderr; keep
    // anything else that prints away from the answers as well.
    System.setOut(System.err);
    try (SessionFactory sessionFactory = build(args[0], args[1], args.length > 2 && args[2].equals("create"))) {
      out.println(ANSWER + "READY");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("quit")) {
        String answer;
        try {
          answer = run(sessionFactory, line.split(" "));
        } catch (RuntimeException e) {
          e.printStackTrace();
          answer = "ERR " + e;
        }
        out.println(ANSWER + answer.replace('\n', ' '));
      }
    }
  }

  private static SessionFactory build(String jdbcUrl, String settings, boolean createSchema) {
    StandardServiceRegistry registry = HibernateSettings.onKamaCache(jdbcUrl)
        .applySetting("hibernate.hbm2ddl.auto", createSchema ? "create" : "none")
        .applySetting("hibernate.javax.cache.uri", settings)
        .build();
    return new MetadataSources(registry)
        .addAnnotatedClass(Shelf.class).addAnnotatedClass(Volume.class).addAnnotatedClass(Leaflet.class)
        .addAnnotatedClass(Poster.class)
        .buildMetadata().buildSessionFactory();
  }

  /** Runs one command; its words are in {@code words}. */
  private static String run(SessionFactory sessions, String[] words) {
    Statistics statistics = sessions.getStatistics();
    switch (words[0]) {
      case "shelf": { // shelf ID VOLUME-ID:ISBN:TITLE...
        sessions.inTransaction(session -> {
          Shelf shelf = new Shelf(Long.valueOf(words[1]));
          session.persist(shelf);
          for (int i = 2; i < words.length; i++) {
            String[] volume = words[i].split(":");
            session.persist(new Volume(Long.valueOf(volume[0]), volume[1], volume[2], shelf));
          }
        });
        return "OK";
      }
      case "add-volume": { // add-volume SHELF-ID VOLUME-ID ISBN TITLE: both sides, as the mapping asks
        sessions.inTransaction(session -> {
          Shelf shelf = session.find(Shelf.class, Long.valueOf(words[1]));
          Volume volume = new Volume(Long.valueOf(words[2]), words[3], words[4], shelf);
          session.persist(volume);
          shelf.getVolumes().add(volume);
        });
        return "OK";
      }
      case "leaflet": // leaflet ID TITLE
        sessions.inTransaction(session -> session.persist(new Leaflet(Long.valueOf(words[1]), words[2])));
        return "OK";
      case "volume-title":
        return sessions.fromSession(session -> session.find(Volume.class, Long.valueOf(words[1])).getTitle());
      case "set-volume-title":
        sessions.inTransaction(session -> session.find(Volume.class, Long.valueOf(words[1])).setTitle(words[2]));
        return "OK";
      case "set-isbn":
        sessions.inTransaction(session -> session.find(Volume.class, Long.valueOf(words[1])).setIsbn(words[2]));
        return "OK";
      case "by-isbn": {
        Volume volume = sessions.fromSession(session -> session.bySimpleNaturalId(Volume.class).load(words[1]));
        return volume == null ? "none" : volume.getTitle();
      }
      case "poster": // poster ID STATUS
        sessions.inTransaction(session -> session.persist(new Poster(Long.valueOf(words[1]), Status.valueOf(words[2]))));
        return "OK";
      case "poster-status":
        return sessions.fromSession(session -> session.find(Poster.class, Long.valueOf(words[1])).getStatus().name());
      case "leaflet-title":
        return sessions.fromSession(session -> session.find(Leaflet.class, Long.valueOf(words[1])).getTitle());
      case "set-leaflet-title":
        sessions.inTransaction(session -> session.find(Leaflet.class, Long.valueOf(words[1])).setTitle(words[2]));
        return "OK";
      case "shelf-titles":
        return sessions.fromSession(session -> session.find(Shelf.class, Long.valueOf(words[1])).getVolumes().stream()
            .map(Volume::getTitle).collect(Collectors.joining(",")));
      case "query": // query PREFIX: the cacheable query of titles that start with PREFIX
        return sessions.fromSession(session -> session
            .createQuery("from Volume v where v.title like :prefix order by v.id", Volume.class)
            .setParameter("prefix", words[1] + "%")
            .setCacheable(true)
            .getResultList().stream().map(Volume::getTitle).collect(Collectors.joining(",")));
      case "clear-stats":
        statistics.clear();
        return "OK";
      case "stats":
        return "l2-hits=" + statistics.getSecondLevelCacheHitCount()
            + " l2-misses=" + statistics.getSecondLevelCacheMissCount()
            + " volume-hits=" + statistics.getDomainDataRegionStatistics(Volume.class.getName()).getHitCount()
            + " leaflet-hits=" + statistics.getDomainDataRegionStatistics(Leaflet.class.getName()).getHitCount()
            + " entity-loads=" + statistics.getEntityLoadCount()
            + " collection-loads=" + statistics.getCollectionLoadCount()
            + " collection-hits=" + statistics.getCollectionStatistics(Shelf.class.getName() + ".volumes").getCacheHitCount()
            + " natural-id-hits=" + statistics.getNaturalIdCacheHitCount()
            + " query-hits=" + statistics.getQueryCacheHitCount()
            + " query-misses=" + statistics.getQueryCacheMissCount();
      case "capacity": // capacity REGION: the capacity of the region's cache, from the file's template
        return String.valueOf(((JCacheRegionFactory) sessions.unwrap(SessionFactoryImplementor.class).getCache()
            .getRegionFactory()).getCacheManager().getCache(words[1])
            .getConfiguration(KamaConfiguration.class).getCapacity());
      default:
        throw new IllegalArgumentException("unknown command " + words[0]);
    }
  }
}
