package dev.flagstep.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.local.Delivery;
import dev.flagstep.local.PhaseFaults;
import dev.flagstep.local.faults.DynamoReplies;
import dev.flagstep.local.faults.FaultProxy;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.TickMemo;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults of what the phases depend on, each started when one phase of one canary is delivered for the
 * n-th time (retries count): the vocabulary of a fault matrix (every phase x every fault). Durations are on
 * the runtime's clock, so "down for 10 minutes" takes 6 s at the harness's speed of 100.
 *
 * <pre>{@code
 * static final Faults FAULTS = new Faults();
 * h = RolloutHarness.start(FAULTS);          // and FAULTS.clear() after each test
 * FAULTS.at("burst", "Analysis", 1, FAULTS.kubeAnswers(503, Duration.ofSeconds(30)));
 * FAULTS.at("outage", "Rollback", 1, FAULTS.kubeDown(Duration.ofMinutes(10)));
 * FAULTS.at("throttled", "Analysis", 1, FAULTS.dynamoThrottled(Duration.ofSeconds(30)));
 * FAULTS.at("hooks-down", "Analysis", 1, FAULTS.webhooksDown(Duration.ofSeconds(30), "/hooks-down/rollout"));
 * FAULTS.at("killed", "Analysis", 1, Faults.killedAfterClaim(Faults.Kill.TIMEOUT));
 * }</pre>
 */
final class Faults implements PhaseFaults {

    /** Something going wrong around one delivery. */
    interface Fault {
        /** As the delivery starts, before the phase runs. */
        default void started(Delivery delivery) {}

        /** Before each store call that same delivery makes (on its own thread: a kill stops it here). */
        default void storeCall(Delivery delivery, String operation, Object[] args) {}
    }

    /** How Lambda ends a delivery it kills. */
    enum Kill {
        /** The function's timeout: the task fails with Sandbox.Timedout once the deadline has passed. */
        TIMEOUT,
        /** Out of memory, a crashed runtime: the task fails at once with Runtime.ExitError. */
        CRASH;

        void apply(Delivery d) {
            switch (this) {
                case TIMEOUT -> d.timeOut();
                case CRASH -> d.crash("Runtime.ExitError", "RequestId: test Error: Runtime exited with error: signal: killed");
            }
        }
    }

    private record Trigger(String canary, String phase, int nth, Fault fault) {}

    private static final int EVERY = 0;

    private final List<Trigger> triggers = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    private final Map<Delivery, List<Fault>> active = new ConcurrentHashMap<>();
    private volatile RolloutHarness h;

    /** The harness whose cluster, DynamoDB and receivers the faults act on (it is built with this). */
    void bind(RolloutHarness harness) {
        this.h = harness;
    }

    /** Ends every fault still on (the API and DynamoDB answer again): call after each test, so none leaks into the next. */
    void clear() {
        h.sim.resume();
        h.runtime.dynamoFaults().ifPresent(FaultProxy::pass);
    }

    /** Starts {@code fault} when {@code phase} of {@code canary} is delivered for the {@code nth} time (1 = first). */
    Faults at(String canary, String phase, int nth, Fault fault) {
        if (nth < 1) throw new IllegalArgumentException("nth counts from 1");
        triggers.add(new Trigger(canary, phase, nth, fault));
        return this;
    }

    /** Applies {@code fault} to every delivery of {@code phase} of {@code canary} (a recorder, say). */
    Faults every(String canary, String phase, Fault fault) {
        triggers.add(new Trigger(canary, phase, EVERY, fault));
        return this;
    }

    // --- the faults ---

    /**
     * The Kubernetes API answers every request {@code status} (503, 429, 500) for {@code duration}, counted
     * from the first request it answers (at a speed of 100 a 30 s burst is 0.3 s: it must not be spent
     * before the phase's first call on a busy machine).
     */
    Fault kubeAnswers(int status, Duration duration) {
        return new Fault() {
            @Override
            public void started(Delivery d) {
                h.sim.answer(status, reason(status), "the server is currently unable to handle the request", duration,
                        h.runtime.clock());
            }
        };
    }

    /** The next {@code requests} Kubernetes requests are answered {@code status} (403: a missing RBAC grant). */
    Fault kubeRejects(int status, int requests) {
        return new Fault() {
            @Override
            public void started(Delivery d) {
                h.sim.answer(status, reason(status), "httproutes.gateway.networking.k8s.io is forbidden: User "
                        + "\"arn:aws:sts::123456789012:assumed-role/flagstep-phases\" cannot patch resource", requests);
            }
        };
    }

    /** The Kubernetes API is unreachable (connections refused and cut) for {@code duration}. */
    Fault kubeDown(Duration duration) {
        return new Fault() {
            @Override
            public void started(Delivery d) {
                h.sim.pause();
                after(duration, h.sim::resume);
            }
        };
    }

    /** DynamoDB answers every request with ProvisionedThroughputExceededException for {@code duration}. */
    Fault dynamoThrottled(Duration duration) {
        return dynamoAnswers(DynamoReplies.throughputExceeded(), duration);
    }

    /** DynamoDB answers every request with {@code reply} for {@code duration}, from the first one it answers. */
    Fault dynamoAnswers(FaultProxy.Reply reply, Duration duration) {
        return new Fault() {
            @Override
            public void started(Delivery d) {
                h.runtime.dynamoFaults().orElseThrow().answer(reply, duration, h.runtime.clock());
            }
        };
    }

    /** The webhook receiver answers 503 on {@code paths} for {@code duration}, then 200 again. */
    Fault webhooksDown(Duration duration, String... paths) {
        return new Fault() {
            @Override
            public void started(Delivery d) {
                for (String p : paths) {
                    h.hooks.script(p, Reply.status(503).body("upstream connect error"));
                }
                after(duration, () -> {
                    for (String p : paths) {
                        h.hooks.script(p, Reply.status(200));
                    }
                });
            }
        };
    }

    /** Lambda kills the delivery just before its store call {@code operation} (say appendWeight: after the weight changed). */
    static Fault killedAt(String operation, Kill how) {
        return new Fault() {
            @Override
            public void storeCall(Delivery d, String op, Object[] args) {
                if (op.equals(operation)) {
                    how.apply(d);
                }
            }
        };
    }

    /**
     * The delivery stalls at its first store call after claiming its tick (a slow webhook, a long pause)
     * for {@code duration}; {@code whenStalled} runs as the stall begins.
     */
    Fault stalledAfterClaim(Duration duration, Runnable whenStalled) {
        return afterClaim(d -> {
            whenStalled.run();
            d.stallUntil(h.runtime.clock().instant().plus(duration));
        });
    }

    /** Lambda kills the delivery at its first store call after it claimed its tick: the claim stays, unreleased. */
    static Fault killedAfterClaim(Kill how) {
        return afterClaim(how::apply);
    }

    /** Runs {@code action} once, at the delivery's first store call after the write that claimed its tick. */
    private static Fault afterClaim(java.util.function.Consumer<Delivery> action) {
        return new Fault() {
            private final Map<Delivery, Boolean> claimed = new ConcurrentHashMap<>();

            @Override
            public void storeCall(Delivery d, String operation, Object[] args) {
                if (claimed.replace(d, false, true)) {
                    action.accept(d);
                }
                if (isClaim(operation, args)) {
                    claimed.putIfAbsent(d, false);
                }
            }
        };
    }

    /** A status write that claims a tick: an in-progress memo. */
    static boolean isClaim(String operation, Object[] args) {
        return operation.equals("saveStatus") && args != null && args.length == 4 && args[3] instanceof TickMemo m
                && m.inProgress();
    }

    // --- PhaseFaults ---

    @Override
    public void beforeInvoke(String function, JsonNode payload) {
        Delivery d = Delivery.current().orElseThrow();
        String canary = d.canary();
        int n = deliveries.computeIfAbsent(canary + "/" + function, k -> new AtomicInteger()).incrementAndGet();
        List<Fault> mine = triggers.stream()
                .filter(t -> t.canary().equals(canary) && t.phase().equals(function) && (t.nth() == n || t.nth() == EVERY))
                .map(Trigger::fault)
                .toList();
        if (!mine.isEmpty()) {
            active.put(d, mine);
            mine.forEach(f -> f.started(d));
        }
    }

    @Override
    public CanaryStore store(CanaryStore store) {
        return (CanaryStore) Proxy.newProxyInstance(CanaryStore.class.getClassLoader(), new Class<?>[] {CanaryStore.class},
                (proxy, method, args) -> {
                    Delivery.current().map(active::get)
                            .ifPresent(faults -> faults.forEach(f -> f.storeCall(Delivery.current().get(), method.getName(), args)));
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Runs {@code end} once the runtime's clock has moved {@code duration} on from now. */
    private void after(Duration duration, Runnable end) {
        Clock clock = h.runtime.clock();
        Instant until = clock.instant().plus(duration);
        Thread.ofVirtual().name("fault-end").start(() -> {
            while (clock.instant().isBefore(until)) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            end.run();
        });
    }

    private static String reason(int status) {
        return switch (status) {
            case 403 -> "Forbidden";
            case 429 -> "TooManyRequests";
            case 500 -> "InternalError";
            case 503 -> "ServiceUnavailable";
            default -> "Error";
        };
    }
}
