package dev.flagstep.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A moto server ({@code python3 -m moto.server} through {@code emulator/moto_launcher.py}) on a free loopback port,
 * for tests that prove the AWS side against an implementation nobody on the project wrote. Step Functions runs the
 * real ASL there; with a Lambda endpoint, its Lambda tasks go to that endpoint (the local runtime's Lambda Invoke
 * API) instead of moto's Docker-bound Lambda.
 *
 * <p>{@link #available()} says whether python3 with moto is on this machine, so tests can skip with a message;
 * {@link #shared()} is the one server of the test JVM that tests without a Lambda endpoint share.
 */
public final class MotoServer implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static MotoServer shared;
    private static Optional<String> unavailable;

    private final Process process;
    private final URI endpoint;
    private final Path log;

    private MotoServer(Process process, URI endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
    }

    /** Empty when moto can run here, else why not (for a skip message); asked of python3 once per JVM. */
    public static synchronized Optional<String> unavailable() {
        if (unavailable == null) {
            unavailable = probe();
        }
        return unavailable;
    }

    private static Optional<String> probe() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import moto.server, moto.stepfunctions.parser")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("python3 -c 'import moto.server' did not finish within 60 s");
            }
            return p.exitValue() == 0 ? Optional.empty()
                    : Optional.of("moto is not installed for python3 (pip install 'moto[server]'): " + out.strip());
        } catch (IOException e) {
            return Optional.of("python3 is not on the PATH: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    public static boolean available() {
        return unavailable().isEmpty();
    }

    /** The JVM's shared server (started on first use, stopped when the JVM exits): one moto start per test run. */
    public static synchronized MotoServer shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "moto-stop"));
        }
        return shared;
    }

    /** A server with Step Functions executing ASL, and Lambda tasks on moto's own Lambda. */
    public static MotoServer start() {
        return start(Optional.empty());
    }

    /** A server whose Step Functions Lambda tasks are sent to {@code lambdaEndpoint} (the Lambda Invoke API). */
    public static MotoServer start(Optional<URI> lambdaEndpoint) {
        return start(lambdaEndpoint, 1);
    }

    /**
     * As {@link #start(Optional)}, with the state machine's Wait states and task timeouts {@code speed} times
     * shorter (as the local runtime's {@code speed} divides them), so that rollouts take test time.
     */
    public static MotoServer start(Optional<URI> lambdaEndpoint, double speed) {
        try {
            Path launcher = Files.createTempFile("flagstep-moto-", ".py");
            try (InputStream in = MotoServer.class.getResourceAsStream("/emulator/moto_launcher.py")) {
                Files.copy(in, launcher, StandardCopyOption.REPLACE_EXISTING);
            }
            launcher.toFile().deleteOnExit();
            int port = freePort();
            Path log = Files.createTempFile("flagstep-moto-", ".log");
            log.toFile().deleteOnExit();
            List<String> command = new ArrayList<>(List.of("python3", launcher.toString(), Integer.toString(port)));
            command.add(lambdaEndpoint.map(URI::toString).orElse(""));
            command.add(Double.toString(speed));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port), log);
            server.awaitListening(port);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where every AWS service of this server answers (one port for all). */
    public URI endpoint() {
        return endpoint;
    }

    /** What the server printed (for failure messages). */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void awaitListening(int port) {
        long end = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto server exited with " + process.exitValue() + ":\n" + log());
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while moto started", e);
                }
            }
        }
        close();
        throw new IllegalStateException("moto server did not listen on port " + port + " within " + STARTUP + ":\n" + log());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
