package org.hermod.sis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads a one-file CSV of users laid out as a {@link ColumnMap} says, streaming each user and
 * their group memberships to a {@link Sink}. Rows are checked as in OneRoster files: required
 * values, dates in the map's format, roles in the map's role table, and contact fields (reported,
 * row kept); duplicate sourcedIds are the sink's to find. Users get no status and no orgs: the file has none.
 */
public final class MappedCsvReader {

    private final ColumnMap map;
    private final ReadLimits limits;
    private final Function<String, LocalDate> date;
    private final Function<String, Role> role;
    private final Function<String, List<String>> groups;

    public MappedCsvReader(ColumnMap map) {
        this(map, ReadLimits.DEFAULT);
    }

    public MappedCsvReader(ColumnMap map, ReadLimits limits) {
        this.map = map;
        this.limits = limits;
        this.date = Parsers.date(map.dateFormat());
        this.role = Parsers.role(map::role, String.join(", ", new TreeSet<>(map.roles().keySet())));
        this.groups = Parsers.list(map.groupSeparator());
    }

    /**
     * Reads {@code file} to its end; a file that cannot be (bad bytes, a quote never closed, over a limit of
     * {@link ReadLimits}) throws {@link CsvException} after the rows before it were passed on.
     */
    public void read(Path file, Sink sink) throws IOException {
        String name = file.getFileName().toString();
        if (Files.size(file) > limits.maxBytes()) {
            throw new CsvException(name, 0, Files.size(file) + " bytes, more than " + limits.maxBytes()
                    + " (hermod.sis.max-uncompressed-size)");
        }
        InputStream in = limits.meter().watch(Files.newInputStream(file), -1);
        try (CsvReader csv = CsvReader.open(in, name, map.charset(), map.separator(), limits.maxRecordLength())) {
            Optional<Map<String, Column>> columns = map.header() ? columnsByHeader(name, csv, sink) : Optional.of(columnsByPosition());
            columns.ifPresent(byField -> csv.forEachRemaining(row -> readRow(new RowCheck(name, row, byField), sink)));
        }
    }

    /** A repeated sourcedId is the sink's to find ({@link Sink#onReferences}): memory holds one row. */
    private void readRow(RowCheck row, Sink sink) {
        String id = row.required(ColumnMap.Field.SOURCED_ID.key());
        SisUser user = new SisUser(id, null, null, row.text("username"), row.required("givenName"),
                row.required("familyName"), row.required("role", role), row.phone("mobile"), row.email("email"),
                row.optional("startDate", date), row.optional("endDate", date), List.of(),
                row.origin(ColumnMap.Field.SOURCED_ID.key()));
        List<String> groupNames = row.optional("group", groups);
        if (row.rejected() && id != null) {
            sink.onRejectedUser(id, row.origin(ColumnMap.Field.SOURCED_ID.key()));
        }
        if (row.report(sink)) {
            sink.onUser(user);
            if (groupNames != null) {
                groupNames.forEach(group -> sink.onGroupMember(id, group));
            }
        }
    }

    private Optional<Map<String, Column>> columnsByHeader(String file, CsvReader csv, Sink sink) {
        if (!csv.hasNext()) {
            sink.onError(new RowError(file, 0, null, "empty file: no header row"));
            return Optional.empty();
        }
        List<String> header = csv.next().fields().stream().map(String::trim).toList();
        csv.columnNames(header);
        Map<String, Column> columns = new HashMap<>();
        boolean complete = true;
        for (ColumnMap.Field field : ColumnMap.Field.values()) {
            ColumnMap.ColumnRef ref = map.columns().get(field);
            if (ref == null) {
                continue;
            }
            int index = ref.name() == null ? ref.position() - 1 : indexOfIgnoringCase(header, ref.name());
            if (index < 0 || index >= header.size()) {
                String label = ref.name() == null ? "#" + ref.position() : ref.name();
                sink.onError(new RowError(file, 1, label,
                        "column mapped to " + field.key() + " missing from header"));
                complete = false;
            } else {
                columns.put(field.key(), new Column(header.get(index), index));
            }
        }
        return complete ? Optional.of(columns) : Optional.empty();
    }

    private Map<String, Column> columnsByPosition() {
        Map<String, Column> columns = new HashMap<>();
        map.columns().forEach((field, ref) ->
                columns.put(field.key(), new Column("#" + ref.position(), ref.position() - 1)));
        return columns;
    }

    private static int indexOfIgnoringCase(List<String> header, String name) {
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }
}
