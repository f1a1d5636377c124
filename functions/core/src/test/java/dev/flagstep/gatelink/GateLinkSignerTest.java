package dev.flagstep.gatelink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.gate.GateType;
import dev.flagstep.spec.CanaryId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class GateLinkSignerTest {

    private static final Instant NOW = Instant.parse("2026-11-02T10:00:00Z");
    private static final GateLinkKey KEY = GateLinkKey.of("k".repeat(40));
    private static final GateLinkKey OTHER_KEY = GateLinkKey.of("o".repeat(40));
    private static final GateLinkSigner SIGNER = new GateLinkSigner(KEY);
    private static final CanaryId PODINFO = new CanaryId("test", "podinfo");
    private static final GateLinkClaims CLAIMS = new GateLinkClaims(PODINFO, GateType.CONFIRM_PROMOTION,
            GateLinkAction.APPROVE, "test-podinfo-6-1-0-abc123", NOW.plus(Duration.ofHours(24)), "n0nce_-A");

    @Test
    void aSignedTokenVerifiesToItsClaims() {
        String token = SIGNER.sign(CLAIMS);

        assertThat(SIGNER.verify(token, NOW)).isEqualTo(new GateLinkCheck.Valid(CLAIMS));
        assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+").hasSizeLessThan(GateLinkSigner.MAX_TOKEN_CHARS);
    }

    @ParameterizedTest
    @EnumSource(GateLinkAction.class)
    void everyActionRoundTrips(GateLinkAction action) {
        GateLinkClaims c = withAction(CLAIMS, action);

        assertThat(SIGNER.verify(SIGNER.sign(c), NOW)).isEqualTo(new GateLinkCheck.Valid(c));
    }

    @ParameterizedTest
    @EnumSource(value = GateType.class, names = {"CONFIRM_ROLLOUT", "CONFIRM_TRAFFIC_INCREASE", "CONFIRM_PROMOTION"})
    void everyConfirmGateRoundTrips(GateType gate) {
        GateLinkClaims c = new GateLinkClaims(PODINFO, gate, GateLinkAction.APPROVE, "run", CLAIMS.expiresAt(), "n");

        assertThat(SIGNER.verify(SIGNER.sign(c), NOW)).isEqualTo(new GateLinkCheck.Valid(c));
    }

    @Test
    void aTokenSignedWithAnotherKeyIsTampered() {
        String token = new GateLinkSigner(OTHER_KEY).sign(CLAIMS);

        assertThat(SIGNER.verify(token, NOW)).isEqualTo(refused(GateLinkCheck.Reason.TAMPERED));
    }

    /** Each claim rewritten in the payload, the signature kept: wrong canary, gate, action, run, expiry, nonce. */
    @ParameterizedTest
    @ValueSource(strings = {"test/other", "prod/podinfo", "confirm-rollout", "rollback-action", "other-run", "expiry", "nonce"})
    void changingAnyClaimBreaksTheSignature(String change) {
        String token = SIGNER.sign(CLAIMS);
        String forged = rewrite(token, lines -> switch (change) {
            case "test/other" -> replaceLine(lines, 2, "other");
            case "prod/podinfo" -> replaceLine(lines, 1, "prod");
            case "confirm-rollout" -> replaceLine(lines, 3, "confirm-rollout");
            case "rollback-action" -> replaceLine(lines, 4, "rollback");
            case "other-run" -> replaceLine(lines, 5, "test-podinfo-6-2-0-def456");
            case "expiry" -> replaceLine(lines, 6, Long.toString(NOW.plus(Duration.ofDays(365)).getEpochSecond()));
            case "nonce" -> replaceLine(lines, 7, "another");
            default -> throw new IllegalArgumentException(change);
        });

        assertThat(forged).isNotEqualTo(token);
        assertThat(SIGNER.verify(forged, NOW)).isEqualTo(refused(GateLinkCheck.Reason.TAMPERED));
    }

    @Test
    void anotherLinksSignatureDoesNotFitThisPayload() {
        String approve = SIGNER.sign(CLAIMS);
        String rollback = SIGNER.sign(withAction(CLAIMS, GateLinkAction.ROLLBACK));
        String spliced = rollback.substring(0, rollback.indexOf('.')) + approve.substring(approve.indexOf('.'));

        assertThat(SIGNER.verify(spliced, NOW)).isEqualTo(refused(GateLinkCheck.Reason.TAMPERED));
    }

    @Test
    void aFlippedSignatureCharacterIsTampered() {
        String token = SIGNER.sign(CLAIMS);
        int last = token.length() - 2;
        String flipped = token.substring(0, last) + (token.charAt(last) == 'A' ? 'B' : 'A') + token.substring(last + 1);

        assertThat(SIGNER.verify(flipped, NOW)).isEqualTo(refused(GateLinkCheck.Reason.TAMPERED));
    }

    @Test
    void expiresAtItsExpiryNotBefore() {
        String token = SIGNER.sign(CLAIMS);

        assertThat(SIGNER.verify(token, CLAIMS.expiresAt().minusSeconds(1))).isInstanceOf(GateLinkCheck.Valid.class);
        assertThat(SIGNER.verify(token, CLAIMS.expiresAt()))
                .isEqualTo(new GateLinkCheck.Refused(GateLinkCheck.Reason.EXPIRED, Optional.of(CLAIMS)));
        assertThat(SIGNER.verify(token, CLAIMS.expiresAt().plus(Duration.ofDays(3))))
                .isEqualTo(new GateLinkCheck.Refused(GateLinkCheck.Reason.EXPIRED, Optional.of(CLAIMS)));
    }

    @Test
    void anExpiredTokenOfAnotherKeyIsTamperedNotExpired() {
        String token = new GateLinkSigner(OTHER_KEY).sign(CLAIMS);

        assertThat(SIGNER.verify(token, CLAIMS.expiresAt().plusSeconds(1))).isEqualTo(refused(GateLinkCheck.Reason.TAMPERED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "abc", "abc.", ".abc", "a.b.c", "abc.!!!", "abc.def"})
    void garbageIsMalformedOrTampered(String token) {
        assertThat(SIGNER.verify(token, NOW)).isInstanceOf(GateLinkCheck.Refused.class);
    }

    @Test
    void structuralGarbageIsMalformed() {
        assertThat(SIGNER.verify("abc", NOW)).isEqualTo(refused(GateLinkCheck.Reason.MALFORMED));
        assertThat(SIGNER.verify("a.b.c", NOW)).isEqualTo(refused(GateLinkCheck.Reason.MALFORMED));
        assertThat(SIGNER.verify("abc.!!!", NOW)).isEqualTo(refused(GateLinkCheck.Reason.MALFORMED));
        assertThat(SIGNER.verify("x".repeat(GateLinkSigner.MAX_TOKEN_CHARS) + ".y", NOW))
                .isEqualTo(refused(GateLinkCheck.Reason.MALFORMED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0\ntest\npodinfo\nconfirm-rollout\napprove\nrun\n1\nn",
            "v1\ntest\npodinfo\nconfirm-rollout\napprove\nrun\n1",
            "v1\ntest\npodinfo\nno-gate\napprove\nrun\n1\nn",
            "v1\ntest\npodinfo\nconfirm-rollout\nmaybe\nrun\n1\nn",
            "v1\ntest\npodinfo\nconfirm-rollout\napprove\nrun\nsoon\nn",
            "v1\ntest\npodinfo\nrollback\napprove\nrun\n1\nn",
            "v1\nTEST\npodinfo\nconfirm-rollout\napprove\nrun\n1\nn"})
    void signedClaimsThatAreNotALinksAreMalformedNeverACrash(String claims) {
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8));

        assertThat(SIGNER.verify(SIGNER.seal(body), NOW)).isEqualTo(refused(GateLinkCheck.Reason.MALFORMED));
    }

    @Test
    void claimsRefuseWhatNoLinkMayCarry() {
        assertThatThrownBy(() -> new GateLinkClaims(PODINFO, GateType.ROLLBACK, GateLinkAction.APPROVE, "r", NOW, "n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gate");
        assertThatThrownBy(() -> new GateLinkClaims(PODINFO, GateType.LOADTESTER, GateLinkAction.APPROVE, "r", NOW, "n"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GateLinkClaims(PODINFO, GateType.CONFIRM_ROLLOUT, GateLinkAction.APPROVE, "a\nb", NOW, "n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runId");
        assertThatThrownBy(() -> new GateLinkClaims(new CanaryId("Bad_NS", "x"), GateType.CONFIRM_ROLLOUT,
                GateLinkAction.APPROVE, "r", NOW, "n")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysAreLongAndNeverPrinted() {
        assertThatThrownBy(() -> GateLinkKey.of("short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(GateLinkKey.MIN_BYTES));
        assertThat(KEY.toString()).doesNotContain("kkk");
    }

    private static GateLinkClaims withAction(GateLinkClaims c, GateLinkAction action) {
        return new GateLinkClaims(c.canary(), c.gate(), action, c.runId(), c.expiresAt(), c.nonce());
    }

    private static GateLinkCheck refused(GateLinkCheck.Reason reason) {
        return new GateLinkCheck.Refused(reason, Optional.empty());
    }

    private static String rewrite(String token, UnaryOperator<String[]> change) {
        int dot = token.indexOf('.');
        String claims = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
        String changed = String.join("\n", change.apply(claims.split("\n", -1)));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(changed.getBytes(StandardCharsets.UTF_8))
                + token.substring(dot);
    }

    private static String[] replaceLine(String[] lines, int index, String value) {
        String[] copy = lines.clone();
        copy[index] = value;
        return copy;
    }
}
