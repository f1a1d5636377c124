package dev.flagstep.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * InfluxDB 2's annotated CSV, as the Go client reads it: {@code #datatype}, {@code #group} and
 * {@code #default} rows, a header row, then records (first column empty); a table whose first column is
 * {@code error} carries a query error. Only what a metric needs: the first record.
 */
final class AnnotatedCsv {

    /** One field of a record: its {@code #datatype} and its text (the column's default when empty); empty = null. */
    record Cell(String datatype, Optional<String> text) {}

    private AnnotatedCsv() {}

    /**
     * @return the first record by column name, empty when the answer has no record
     * @throws MetricQueryException for an error table or a malformed answer
     */
    static Optional<Map<String, Cell>> firstRecord(String csv) {
        List<String> datatypes = List.of();
        List<String> defaults = List.of();
        List<String> names = List.of();
        boolean annotations = false;
        boolean header = false;
        boolean error = false;
        for (List<String> row : rows(csv)) {
            if (row.size() <= 1) {
                continue;
            }
            String first = row.getFirst();
            List<String> rest = row.subList(1, row.size());
            if (first.startsWith("#")) {
                if (!annotations) {
                    datatypes = List.of();
                    defaults = List.of();
                    annotations = true;
                }
                switch (first) {
                    case "#datatype" -> datatypes = List.copyOf(rest);
                    case "#default" -> defaults = List.copyOf(rest);
                    default -> { }
                }
                continue;
            }
            if (!first.isEmpty()) {
                continue;
            }
            if (annotations) {
                if (datatypes.isEmpty()) {
                    throw new MetricQueryException("parsing error, datatype annotation not found");
                }
                annotations = false;
                header = true;
            }
            if (header) {
                header = false;
                error = rest.getFirst().equals("error");
                names = List.copyOf(rest);
                continue;
            }
            if (error) {
                String message = rest.getFirst().isEmpty() ? "unknown query error" : rest.getFirst();
                throw new MetricQueryException(message + (rest.size() > 1 && !rest.get(1).isEmpty() ? "," + rest.get(1) : ""));
            }
            if (names.isEmpty()) {
                throw new MetricQueryException("parsing error, annotations not found");
            }
            if (rest.size() != names.size()) {
                throw new MetricQueryException("parsing error, row has different number of columns than the table: "
                        + rest.size() + " vs " + names.size());
            }
            Map<String, Cell> record = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                String text = rest.get(i).isEmpty() && i < defaults.size() ? defaults.get(i) : rest.get(i);
                record.put(names.get(i), new Cell(i < datatypes.size() ? datatypes.get(i) : "", Optional.of(text).filter(t -> !t.isEmpty())));
            }
            return Optional.of(record);
        }
        return Optional.empty();
    }

    /** RFC 4180: quoted fields may hold commas, quotes ({@code ""}) and line breaks; CRLF or LF ends a row. */
    static List<List<String>> rows(String csv) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                field.append(c);
            }
        }
        if (!field.isEmpty() || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
