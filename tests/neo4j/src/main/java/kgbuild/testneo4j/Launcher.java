package kgbuild.testneo4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Starts a real Neo4j (the in-process server of org.neo4j.test:neo4j-harness) for kgbuild's
 * tests and for developers.
 *
 * <pre>
 * KGBUILD_NEO4J_PASSWORD=... java -cp CLASSPATH kgbuild.testneo4j.Launcher --data DIR [--bolt-port N] [--http-port N]
 * </pre>
 *
 * Bolt and HTTP listen on 127.0.0.1 only, on the given ports or (0, the default) on free ones;
 * Neo4j Browser is at /browser/ when its jar is on the class path; the graph lives in DIR/data, which a later start with the same DIR reopens
 * (a server killed mid-load restarts on its data). Authentication is on: user neo4j, with the
 * password from the environment (never from the command line, where other users could read it).
 *
 * Once serving, one line goes to standard output:
 * {@code kgbuild-neo4j ready bolt=bolt://127.0.0.1:P http=http://127.0.0.1:Q version=V edition=E}.
 * A failed start prints {@code kgbuild-neo4j failed: REASON} to standard error and exits with 2.
 * The server stops, cleanly, when standard input closes or the process is terminated.
 */
public final class Launcher {
    static final String PASSWORD_VARIABLE = "KGBUILD_NEO4J_PASSWORD";
    static final String USER = "neo4j";
    static final String LOOPBACK = "127.0.0.1";

    private Launcher() {
    }

    public static void main(String[] args) {
        Path directory = null;
        int boltPort = 0;
        int httpPort = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--data" -> directory = Path.of(args[++i]).toAbsolutePath();
                    case "--bolt-port" -> boltPort = Integer.parseInt(args[++i]);
                    case "--http-port" -> httpPort = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            fail("usage: Launcher --data DIR [--bolt-port N] [--http-port N] (" + e.getMessage() + ")", null);
        }
        if (directory == null) {
            fail("usage: Launcher --data DIR [--bolt-port N] [--http-port N] (--data is required)", null);
        }
        String password = System.getenv(PASSWORD_VARIABLE);
        if (password == null || password.length() < 8) {
            fail("set " + PASSWORD_VARIABLE + " to the password of user neo4j (8 characters or more)", null);
        }

        Neo4j neo4j;
        try {
            // Ports are chosen here, not left to the server (port 0), because the server tells
            // clients where to connect (Browser's discovery, neo4j:// routing tables) from its
            // advertised addresses, which must name the ports it really listens on.
            boltPort = boltPort == 0 ? freePort() : boltPort;
            httpPort = httpPort == 0 ? freePort() : httpPort;
            Files.createDirectories(directory.resolve("logs"));
            neo4j = Neo4jBuilders.newInProcessBuilder(directory.resolve("logs"))
                    .withConfig(GraphDatabaseSettings.data_directory, directory.resolve("data"))
                    .withConfig(GraphDatabaseSettings.auth_enabled, true)
                    .withConfig(GraphDatabaseSettings.pagecache_memory, 128L * 1024 * 1024)
                    .withConfig(BoltConnector.enabled, true)
                    .withConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress(LOOPBACK))
                    .withConfig(BoltConnector.listen_address, new SocketAddress(LOOPBACK, boltPort))
                    .withConfig(BoltConnector.advertised_address, new SocketAddress(LOOPBACK, boltPort))
                    .withConfig(HttpConnector.enabled, true)
                    .withConfig(HttpConnector.listen_address, new SocketAddress(LOOPBACK, httpPort))
                    .withConfig(HttpConnector.advertised_address, new SocketAddress(LOOPBACK, httpPort))
                    .build();
        } catch (Throwable e) {
            fail("Neo4j did not start: " + describe(e), e);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(neo4j::close, "kgbuild-neo4j-stop"));

        String version;
        try {
            setPassword(neo4j, password);
            version = components(neo4j);
        } catch (Throwable e) {
            fail("Neo4j started but could not be set up: " + describe(e), e);
            return;
        }
        System.out.println("kgbuild-neo4j ready bolt=" + neo4j.boltURI() + " http=" + neo4j.httpURI() + " " + version);
        System.out.flush();

        waitForEndOfInput(System.in);
        System.exit(0);  // the shutdown hook stops Neo4j
    }

    /** A port free on the loopback interface now (another process may take it before Neo4j does:
     * the start then fails with the address in use, and the caller tries again). */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        }
    }

    /** The password of user neo4j, without the change Neo4j asks for at the first login. */
    private static void setPassword(Neo4j neo4j, String password) {
        GraphDatabaseService system = neo4j.databaseManagementService().database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally("ALTER USER " + USER + " SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            // Restarted on its own data with the same password: Neo4j refuses to "change" it.
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                throw e;
            }
        }
    }

    private static String components(Neo4j neo4j) {
        GraphDatabaseService system = neo4j.databaseManagementService().database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        return system.executeTransactionally(
                "CALL dbms.components() YIELD versions, edition RETURN versions[0] AS version, edition",
                Map.of(), result -> {
                    Map<String, Object> row = result.next();
                    return "version=" + row.get("version") + " edition=" + row.get("edition");
                });
    }

    private static void waitForEndOfInput(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // keep serving until the parent closes our standard input
            }
        } catch (IOException e) {
            // the parent is gone
        }
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    private static void fail(String reason, Throwable e) {
        PrintStream err = System.err;
        err.println("kgbuild-neo4j failed: " + reason.replace('\n', ' '));
        if (e != null) {
            e.printStackTrace(err);
        }
        err.flush();
        System.exit(2);
    }
}
