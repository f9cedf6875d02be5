package org.hermod.ldap;

import com.unboundid.ldap.sdk.ExtendedResult;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.extensions.StartTLSExtendedRequest;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.hermod.config.ConfigException;

/**
 * How Hermod opens an LDAP connection, shared by the import ({@link LdapImporter}) and the directory of record
 * ({@link LdapPasswords}): plain {@code ldap://}, {@code ldaps://}, or StartTLS on {@code ldap://}. The server's
 * certificate is checked against a trust store given in the settings ({@code trust-store}, read once at start-up)
 * or else the JVM's ({@code -Djavax.net.ssl.trustStore}), and its host name against the URL's host.
 *
 * <p>An untrusted certificate, or one that does not name the host, fails the connection with an {@link LDAPException}
 * whose message says so, before anything (the bind password included) is sent.
 */
final class LdapTls {

    private final TrustManager trust;
    private final String trustedBy;

    private LdapTls(TrustManager trust, String trustedBy) {
        this.trust = trust;
        this.trustedBy = trustedBy;
    }

    /** Like {@link #of(String, Path, String)}, from optional settings (blank: unset). */
    static LdapTls of(String key, Optional<String> trustStore, Optional<String> password) {
        return of(key, trustStore.filter(v -> !v.isBlank()).map(Path::of).orElse(null),
                password.filter(v -> !v.isEmpty()).orElse(null));
    }

    /**
     * @param key        the setting that named the trust store, for the start-up error
     * @param trustStore a PKCS12 ({@code .p12}, {@code .pfx}) or JKS ({@code .jks}) file of trusted certificates;
     *                   null: the JVM's trust store
     * @param password   the trust store's password, null for none
     */
    static LdapTls of(String key, Path trustStore, String password) {
        if (trustStore == null) {
            return new LdapTls(JVMDefaultTrustManager.getInstance(), "the JVM trust store");
        }
        String name = trustStore.getFileName().toString().toLowerCase(Locale.ROOT);
        String type = name.endsWith(".jks") ? "JKS" : name.endsWith(".p12") || name.endsWith(".pfx") ? "PKCS12" : null;
        if (type == null) {
            throw new ConfigException(key, "must be a .p12, .pfx or .jks file, was " + trustStore);
        }
        try (InputStream in = Files.newInputStream(trustStore)) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password == null ? null : password.toCharArray());
            if (store.size() == 0) {
                throw new ConfigException(key, trustStore + " holds no certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return new LdapTls(factory.getTrustManagers()[0], "trust store " + trustStore);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(key, "cannot be read (" + trustStore + "): " + e.getMessage());
        }
    }

    /** Connects (ldaps, or StartTLS when asked) but does not bind. */
    LDAPConnection connect(String ldapUrl, boolean startTls, int responseTimeoutMillis) throws LDAPException {
        LDAPURL url = new LDAPURL(ldapUrl);
        boolean ldaps = url.getScheme().equalsIgnoreCase("ldaps");
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis(10_000);
        options.setResponseTimeoutMillis(responseTimeoutMillis);
        options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(true));
        SSLUtil tls = new SSLUtil(trust);
        try {
            if (ldaps) {
                return new LDAPConnection(tls.createSSLSocketFactory(), options, url.getHost(), url.getPort());
            }
            LDAPConnection c = new LDAPConnection(options, url.getHost(), url.getPort());
            if (startTls) {
                try {
                    ExtendedResult result = c.processExtendedOperation(new StartTLSExtendedRequest(tls.createSSLContext()));
                    if (result.getResultCode() != ResultCode.SUCCESS) {
                        throw new LDAPException(result.getResultCode(), "StartTLS refused: " + result.getDiagnosticMessage());
                    }
                } catch (LDAPException e) {
                    c.close();
                    throw e;
                }
            }
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("LDAP: cannot set up TLS: " + e.getMessage(), e);
        } catch (LDAPException e) {
            if (ldaps || startTls) {
                String what = (ldaps ? "TLS" : "StartTLS") + " with " + url.getHost() + ":" + url.getPort() + " failed: ";
                Throwable untrusted = cause(e, CertificateException.class);
                if (untrusted != null) {
                    throw new LDAPException(ResultCode.CONNECT_ERROR, what + "its certificate is not trusted by " + trustedBy
                            + " (" + untrusted.getMessage() + ")", e);
                }
                Throwable handshake = cause(e, SSLException.class);
                if (handshake != null) {
                    throw new LDAPException(ResultCode.CONNECT_ERROR, what + "the TLS handshake failed ("
                            + handshake.getMessage() + ")", e);
                }
            }
            throw e;
        }
    }

    /** The first cause of this type, or null. */
    private static Throwable cause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }
}
