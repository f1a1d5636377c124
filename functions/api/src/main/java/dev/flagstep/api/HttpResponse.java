package dev.flagstep.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** One HTTP answer: status, headers and a text body (every answer of this API is text). */
public record HttpResponse(int status, Map<String, String> headers, String body) {

    public static final String JSON = "application/json";
    public static final String PROBLEM = "application/problem+json";
    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String HTML = "text/html; charset=utf-8";

    public HttpResponse {
        headers = Map.copyOf(headers);
    }

    public static HttpResponse json(int status, String body) {
        return new HttpResponse(status, Map.of("Content-Type", JSON), body);
    }

    /** A plain-text answer, as Go's http.ResponseWriter labels {@code w.Write([]byte("Approved"))}. */
    public static HttpResponse text(int status, String body) {
        return new HttpResponse(status, Map.of("Content-Type", TEXT), body);
    }

    /** A page for people (the gate links' confirmation and result pages). */
    public static HttpResponse html(int status, String body) {
        return new HttpResponse(status, Map.of("Content-Type", HTML), body);
    }

    public static HttpResponse empty(int status) {
        return new HttpResponse(status, Map.of(), "");
    }

    public HttpResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new HttpResponse(status, h, body);
    }
}
