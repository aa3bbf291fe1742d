package dev.tenantry.support.rest;

import java.util.List;

/**
 * Thrown by services to end a request with a specific problem. The REST layer turns it into a
 * problem+json response; services never build HTTP responses for errors themselves.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(int status, String typeSlug, String title, String detail) {
        this(status, typeSlug, title, detail, null);
    }

    public ProblemException(int status, String typeSlug, String title, String detail, List<Problem.FieldError> errors) {
        super(detail);
        this.problem = new Problem(Problem.type(typeSlug), title, status, detail, null, errors);
    }

    /** Ends a request with a problem given before, e.g. a stored answer that is given again. */
    public ProblemException(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail);
    }

    public static ProblemException invalidField(String field, String message) {
        return new ProblemException(
                400,
                "invalid-request",
                "Invalid request",
                field + ": " + message,
                List.of(new Problem.FieldError(field, message)));
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not-found", "Not found", detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "conflict", "Conflict", detail);
    }

    public static ProblemException unprocessable(String detail) {
        return new ProblemException(422, "unprocessable", "Unprocessable request", detail);
    }
}
