package dev.flagstep.testing;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Runs code under another default locale, then puts the previous one back. Every test JVM already runs
 * in tr-TR and Pacific/Kiritimati (the parent pom's surefire argLine), which catches case mapping
 * ({@code "TITLE".toLowerCase()} is {@code "tıtle"}) and decimal commas; code that must also write
 * ASCII digits is checked under {@link #ARABIC_DIGITS}. Tests run one at a time per JVM (no parallel
 * JUnit execution is configured), so changing the default for the length of a call is safe.
 */
public final class DefaultLocale {

    /** Egyptian Arabic: {@code String.format("%d", 28)} gives {@code "٢٨"}. */
    public static final Locale ARABIC_DIGITS = Locale.forLanguageTag("ar-EG");

    private DefaultLocale() {
    }

    public static <T> T under(Locale locale, Supplier<T> code) {
        Locale base = Locale.getDefault();
        Locale display = Locale.getDefault(Locale.Category.DISPLAY);
        Locale format = Locale.getDefault(Locale.Category.FORMAT);
        Locale.setDefault(locale);
        try {
            return code.get();
        } finally {
            Locale.setDefault(base);
            Locale.setDefault(Locale.Category.DISPLAY, display);
            Locale.setDefault(Locale.Category.FORMAT, format);
        }
    }
}
