package io.kamacache.cluster;

import io.etcd.jetcd.Client;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Opens the view a member keeps of the members prefix. In production that is etcd's read and
 * watch ({@link #WATCH}); a member given another one (a view whose watch lags, say) behaves as a
 * member whose etcd watch does.
 */
@FunctionalInterface
interface MemberViews {

  /** One read, then etcd's watch from the revision after it: see {@link PrefixView}. */
  MemberViews WATCH = PrefixView::new;

  KeyView open(Client client, String prefix, BiConsumer<Map<String, PrefixView.Entry>, Long> listener);
}
