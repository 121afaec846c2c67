/** The outcome of a verification: accepted, or rejected with one of the spec's reason codes. */
record Decision(boolean valid, String reason) {
    static Decision accept() { return new Decision(true, null); }

    static Decision reject(String reason) { return new Decision(false, reason); }
}
