package io.kamacache.transport;

import io.grpc.Context;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who is calling: an id and what it may do, proven either by a client certificate (mutual TLS) or
 * by the cluster's secret. The server's authentication puts it in the call's {@link Context}.
 */
public final class PeerIdentity {

  /** The certificate's organizational unit (OU) that makes its holder a member. */
  public static final String MEMBER_UNIT = "kamacache-member";
  /** The organizational unit of a client's certificate: it may only call what a javax.cache caller needs. */
  public static final String CLIENT_UNIT = "kamacache-client";
  /** The organizational unit of an operator's certificate: a client's rights, and the admin methods (Drain). */
  public static final String ADMIN_UNIT = "kamacache-admin";

  /** The identity of the call being served; null outside a call. */
  public static final Context.Key<PeerIdentity> CURRENT = Context.key("kamacache-peer-identity");

  /** What a caller may call. */
  public enum Role {
    /** May call every method, if it is in the current ring under its id. */
    MEMBER,
    /** May call only the operations a javax.cache caller needs. */
    CLIENT,
    /** An operator: may call what a client may, and the admin methods that change a member (Drain). */
    ADMIN
  }

  private final String id;
  private final Role role;
  private final boolean certified;

  PeerIdentity(String id, Role role, boolean certified) {
    this.id = id;
    this.role = role;
    this.certified = certified;
  }

  /** The member or client id: the certificate's common name (CN), or the id a secret-holder named. */
  public String id() {
    return id;
  }

  public Role role() {
    return role;
  }

  /**
   * The identity a certificate proves: its CN is the id; its OU {@value #MEMBER_UNIT} makes it a
   * member, its OU {@value #ADMIN_UNIT} an operator, and anything else a client, the least a
   * certificate from the trusted CA may do.
   *
   * @throws IllegalArgumentException if the certificate has no CN
   */
  public static PeerIdentity of(X509Certificate certificate) {
    String commonName = null;
    boolean member = false;
    boolean admin = false;
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        String type = rdn.getType().toUpperCase(Locale.ROOT);
        if (type.equals("CN")) {
          commonName = rdn.getValue().toString();
        } else if (type.equals("OU") && MEMBER_UNIT.equals(rdn.getValue().toString())) {
          member = true;
        } else if (type.equals("OU") && ADMIN_UNIT.equals(rdn.getValue().toString())) {
          admin = true;
        }
      }
    } catch (InvalidNameException e) {
      throw new IllegalArgumentException("cannot read the certificate's subject: " + e.getMessage(), e);
    }
    if (commonName == null || commonName.isBlank()) {
      throw new IllegalArgumentException("the certificate's subject " + certificate.getSubjectX500Principal()
          + " has no common name (CN), which KamaCache takes as the member or client id");
    }
    // A certificate with both units is a member: the member's rights include the admin's.
    return new PeerIdentity(commonName, member ? Role.MEMBER : admin ? Role.ADMIN : Role.CLIENT, true);
  }

  @Override
  public String toString() {
    return role.name().toLowerCase(Locale.ROOT) + " '" + id + "' (" + (certified ? "certificate" : "cluster secret") + ")";
  }
}
