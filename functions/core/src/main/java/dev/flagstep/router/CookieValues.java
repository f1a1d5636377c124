package dev.flagstep.router;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/** Where session-affinity cookie values come from: Flagger's {@code randSeq}, 10 ASCII letters. Tests inject a fixed source. */
@FunctionalInterface
public interface CookieValues {

    String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    String next();

    /** A fresh generator per value, so a restored SnapStart snapshot never repeats a sequence. */
    CookieValues RANDOM = () -> from(new SecureRandom()).next();

    static CookieValues from(RandomGenerator random) {
        return () -> {
            StringBuilder b = new StringBuilder(10);
            for (int i = 0; i < 10; i++) b.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
            return b.toString();
        };
    }
}
