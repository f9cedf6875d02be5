package org.hermod.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.util.ssl.KeyStoreKeyManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;
import com.unboundid.util.ssl.cert.ManageCertificates;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import org.hermod.config.ConfigException;
import org.hermod.testing.HermodApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LDAP over TLS with a real handshake: UnboundID's in-memory server listening for {@code ldaps://} and for StartTLS
 * on {@code ldap://}, with a self-signed certificate for {@code localhost} made at test time (UnboundID's
 * {@code ManageCertificates}, no network). The import trusts it through {@code hermod.ldap.imports[0].trust-store},
 * so no JVM-wide system property is touched. A certificate the trust store does not hold, the JVM trust store
 * (which does not hold it either) and a URL host the certificate does not name each fail the run with nothing
 * applied. The directory of record ({@link LdapPasswords}) shares the code and is checked over ldaps and StartTLS.
 */
class LdapTlsTest {

    private static final String SECRET = "test-store-secret";

    @TempDir
    static Path certs;
    private static Path serverKeys;
    /** Holds the server's certificate. */
    private static Path trusted;
    /** Holds a certificate of another server only. */
    private static Path otherTrusted;
    /** Keys of a server whose certificate names ldap.elsewhere.test, and a trust store holding that certificate. */
    private static Path elsewhereKeys;
    private static Path elsewhereTrusted;

    @TempDir
    Path temp;
    private InMemoryDirectoryServer ldap;
    private HermodApp app;

    @BeforeAll
    static void makeCertificates() throws Exception {
        serverKeys = selfSigned("server", "CN=localhost", "localhost");
        trusted = trustStoreOf(serverKeys, "trusted.p12");
        otherTrusted = trustStoreOf(selfSigned("other", "CN=localhost,O=Someone Else", "localhost"), "other.jks");
        elsewhereKeys = selfSigned("elsewhere", "CN=ldap.elsewhere.test", "ldap.elsewhere.test");
        elsewhereTrusted = trustStoreOf(elsewhereKeys, "elsewhere.pfx");
    }

    /** A PKCS12 key store with a new RSA key and its self-signed certificate for {@code host}, alias "server". */
    private static Path selfSigned(String name, String subject, String host) throws Exception {
        Path file = certs.resolve(name + "-keys.p12");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ResultCode result = ManageCertificates.main(InputStream.nullInputStream(), out, out,
                "generate-self-signed-certificate", "--keystore", file.toString(), "--keystore-password", SECRET,
                "--keystore-type", "PKCS12", "--alias", "server", "--subject-dn", subject, "--days-valid", "30",
                "--key-algorithm", "RSA", "--key-size-bits", "2048", "--subject-alternative-name-dns", host);
        assertThat(result).as(out::toString).isEqualTo(ResultCode.SUCCESS);
        return file;
    }

    /** A trust store (type by extension) holding only the certificate of {@code keys}. */
    private static Path trustStoreOf(Path keys, String name) throws Exception {
        KeyStore source = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys)) {
            source.load(in, SECRET.toCharArray());
        }
        KeyStore store = KeyStore.getInstance(name.endsWith(".jks") ? "JKS" : "PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ldap", source.getCertificate("server"));
        Path file = certs.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, SECRET.toCharArray());
        }
        return file;
    }

    @BeforeEach
    void startLdap() throws Exception {
        startLdap(serverKeys);
    }

    private void startLdap(Path serverKeys) throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=school,dc=dk");
        config.addAdditionalBindCredentials("cn=hermod,dc=school,dc=dk", "bind-secret");
        SSLUtil server = new SSLUtil(new KeyStoreKeyManager(serverKeys.toFile(), SECRET.toCharArray(), "PKCS12", "server"),
                new TrustAllTrustManager());
        config.setListenerConfigs(
                InMemoryListenerConfig.createLDAPSConfig("ldaps", null, 0, server.createSSLServerSocketFactory(), null),
                InMemoryListenerConfig.createLDAPConfig("ldap-starttls", null, 0, server.createSSLSocketFactory()));
        ldap = new InMemoryDirectoryServer(config);
        ldap.importFromLDIF(true, "src/test/resources/ldap/school.ldif");
        ldap.startListening();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        ldap.shutDown(true);
    }

    private String ldapsUrl(String host) {
        return "ldaps://" + host + ":" + ldap.getListenPort("ldaps");
    }

    private String startTlsUrl() {
        return "ldap://localhost:" + ldap.getListenPort("ldap-starttls");
    }

    private void startApp(String url, boolean startTls, Path trustStore) {
        HermodApp.Builder builder = LdapRuns.app(url, "ou=people,dc=school,dc=dk", temp)
                .with("hermod.ldap.imports[0].start-tls", Boolean.toString(startTls))
                .with("hermod.ldap.imports[0].default-role", "STAFF");
        if (trustStore != null) {
            builder.with("hermod.ldap.imports[0].trust-store", trustStore.toString())
                    .with("hermod.ldap.imports[0].trust-store-password", SECRET);
        }
        app = builder.start();
    }

    /** Runs the import through the API; its finished sis_import record. */
    private JsonNode run() {
        return LdapRuns.run(app);
    }

    private void assertImported(JsonNode run) {
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("DONE");
        assertThat(app.jdbc().query("select account from dir_user where source = 'ldap:school'", rs -> rs.getString(1)))
                .containsExactly("soer0417");
    }

    private void assertFailedUntrusted(JsonNode run) {
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("FAILED");
        assertThat(run.get("message").asText()).contains("failed: its certificate is not trusted by");
        assertThat(app.count("select count(*) from dir_user")).as("nothing applied").isZero();
        assertThat(app.count("select count(*) from ldap_import_state")).isZero();
    }

    @Test
    void anImportOverLdapsTrustsTheConfiguredTrustStore() {
        startApp(ldapsUrl("localhost"), false, trusted);
        assertImported(run());
    }

    @Test
    void anImportWithStartTlsTrustsTheConfiguredTrustStore() {
        startApp(startTlsUrl(), true, trusted);
        assertImported(run());
    }

    @Test
    void aCertificateTheTrustStoreDoesNotHoldFailsTheRun() {
        startApp(ldapsUrl("localhost"), false, otherTrusted);
        JsonNode run = run();
        assertFailedUntrusted(run);
        assertThat(run.get("message").asText()).contains("trust store " + otherTrusted);
    }

    @Test
    void withoutATrustStoreTheJvmTrustStoreDecidesAndDoesNotTrustASelfSignedCertificate() {
        startApp(startTlsUrl(), true, null);
        JsonNode run = run();
        assertFailedUntrusted(run);
        assertThat(run.get("message").asText()).contains("StartTLS", "the JVM trust store");
    }

    @Test
    void aTrustedCertificateForAnotherHostNameFailsTheRun() throws Exception {
        ldap.shutDown(true);
        startLdap(elsewhereKeys);
        startApp(ldapsUrl("localhost"), false, elsewhereTrusted);
        JsonNode run = run();
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("FAILED");
        assertThat(run.get("message").asText()).contains("localhost", "ldap.elsewhere.test");
        assertThat(app.count("select count(*) from dir_user")).isZero();
    }

    @Test
    void aTrustStoreThatCannotBeReadStopsTheStartUp() throws Exception {
        Path text = Files.writeString(temp.resolve("ca.pem"), "not a key store");
        assertThatThrownBy(() -> LdapTls.of("hermod.ldap.trust-store", text, null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hermod.ldap.trust-store must be a .p12, .pfx or .jks file");
        Path wrong = Files.copy(text, temp.resolve("ca.p12"));
        assertThatThrownBy(() -> LdapTls.of("hermod.ldap.trust-store", wrong, null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hermod.ldap.trust-store cannot be read");
    }

    @Test
    void theDirectoryOfRecordSetsPasswordsOverLdapsAndStartTls() throws Exception {
        LdapTls tls = LdapTls.of("hermod.ldap.trust-store", trusted, SECRET);
        new LdapPasswords(new LdapSettings(ldapsUrl("localhost"), false, tls, "cn=hermod,dc=school,dc=dk", "bind-secret",
                "ou=people,dc=school,dc=dk", "(uid={account})")).setPassword("soer0417", "over-ldaps");
        bind("over-ldaps");
        new LdapPasswords(new LdapSettings(startTlsUrl(), true, tls, "cn=hermod,dc=school,dc=dk", "bind-secret",
                "ou=people,dc=school,dc=dk", "(uid={account})")).setPassword("soer0417", "over-starttls");
        bind("over-starttls");
        LdapPasswords untrusted = new LdapPasswords(new LdapSettings(ldapsUrl("localhost"), false,
                LdapTls.of("hermod.ldap.trust-store", otherTrusted, SECRET), "cn=hermod,dc=school,dc=dk", "bind-secret",
                "ou=people,dc=school,dc=dk", "(uid={account})"));
        assertThatThrownBy(() -> untrusted.setPassword("soer0417", "never")).hasMessageContaining("certificate is not trusted");
        bind("over-starttls");
    }

    private void bind(String password) throws Exception {
        try (LDAPConnection c = ldap.getConnection("ldap-starttls")) {
            c.bind("uid=soer0417,ou=people,dc=school,dc=dk", password);
        }
    }
}
