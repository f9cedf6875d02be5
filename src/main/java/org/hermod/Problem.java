package org.hermod;

/**
 * A request that cannot be done as asked, with the field it concerns. The admin API answers it with
 * the matching 4xx status and a JSON body naming the field.
 */
public final class Problem extends RuntimeException {

    public enum Kind {
        BAD_REQUEST(400), UNAUTHENTICATED(401), FORBIDDEN(403), NOT_FOUND(404), CONFLICT(409), TOO_MANY_REQUESTS(429);

        public final int status;

        Kind(int status) {
            this.status = status;
        }
    }

    private final Kind kind;
    private final String field;

    public Problem(Kind kind, String field, String message) {
        super(message);
        this.kind = kind;
        this.field = field;
    }

    public static Problem badRequest(String field, String message) {
        return new Problem(Kind.BAD_REQUEST, field, field + ": " + message);
    }

    public static Problem notFound(String what) {
        return new Problem(Kind.NOT_FOUND, null, what + " not found");
    }

    public Kind kind() {
        return kind;
    }

    public String field() {
        return field;
    }
}
