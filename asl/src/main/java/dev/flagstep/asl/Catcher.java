package dev.flagstep.asl;

import java.util.List;
import java.util.Optional;

/**
 * One element of a Task's {@code Catch}. Its output is the state's raw input with
 * {@code {"Error","Cause"}} placed at {@code ResultPath} (empty: {@code "ResultPath": null}, which
 * keeps the raw input as it is).
 */
record Catcher(List<String> errorEquals, String next, Optional<JsonPath> resultPath) {

    boolean matches(String error) {
        return StatesError.matches(errorEquals, error);
    }
}
