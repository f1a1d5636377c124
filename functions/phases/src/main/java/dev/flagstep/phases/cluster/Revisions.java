package dev.flagstep.phases.cluster;

/**
 * The checksum webhook receivers see: like Flagger's ({@code ComputeHash}), an FNV-32a hash in
 * Kubernetes' safe alphabet, of the target's pod template here. It changes when a new revision is
 * applied and stays the same for the whole run.
 */
final class Revisions {

    private static final String SAFE = "bcdfghjklmnpqrstvwxz2456789";

    private Revisions() {}

    static String checksum(byte[] content) {
        int hash = 0x811c9dc5;
        for (byte b : content) {
            hash ^= (b & 0xff);
            hash *= 0x01000193;
        }
        String decimal = Integer.toUnsignedString(hash);
        StringBuilder out = new StringBuilder(decimal.length());
        for (char c : decimal.toCharArray()) {
            out.append(SAFE.charAt(c % SAFE.length()));
        }
        return out.toString();
    }
}
