package org.hermod.sis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import org.hermod.sis.ColumnMap.ColumnRef;
import org.hermod.sis.ColumnMap.Field;
import org.junit.jupiter.api.Test;

class ColumnMapTest {

    private static Properties minimal() {
        Properties properties = new Properties();
        properties.setProperty("column.sourcedId", "id");
        properties.setProperty("column.givenName", "first");
        properties.setProperty("column.familyName", "last");
        properties.setProperty("column.role", "4");
        return properties;
    }

    @Test
    void loadsTheShippedMap() throws IOException {
        ColumnMap map = ColumnMap.load(Path.of("mappings/simple-users.properties"));

        assertThat(map.separator()).isEqualTo(';');
        assertThat(map.charset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(map.header()).isTrue();
        assertThat(map.dateFormat()).isEqualTo("dd.MM.yyyy");
        assertThat(map.columns()).hasSize(Field.values().length)
                .containsEntry(Field.MOBILE, new ColumnRef("Mobil", 0));
        assertThat(map.role(" Lærer ")).contains(Role.TEACHER);
        assertThat(map.role("Teknisk personale")).contains(Role.STAFF);
        assertThat(map.role("Vikar")).isEmpty();
    }

    @Test
    void defaults() {
        ColumnMap map = ColumnMap.of(minimal());

        assertThat(map.separator()).isEqualTo(',');
        assertThat(map.charset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(map.header()).isTrue();
        assertThat(map.dateFormat()).isEqualTo("yyyy-MM-dd");
        assertThat(map.groupSeparator()).isEqualTo(",");
        assertThat(map.columns()).containsEntry(Field.ROLE, new ColumnRef(null, 4));
    }

    @Test
    void rejectsUnknownKeys() {
        Properties properties = minimal();
        properties.setProperty("colum.email", "E-mail");

        assertThatThrownBy(() -> ColumnMap.of(properties)).hasMessage("unknown key 'colum.email'");
    }

    @Test
    void rejectsUnknownField() {
        Properties properties = minimal();
        properties.setProperty("column.phone", "Tlf");

        assertThatThrownBy(() -> ColumnMap.of(properties)).hasMessage("unknown field in key 'column.phone'");
    }

    @Test
    void requiresTheIdentityColumns() {
        Properties properties = minimal();
        properties.remove("column.familyName");

        assertThatThrownBy(() -> ColumnMap.of(properties)).hasMessage("column.familyName is required");
    }

    @Test
    void rejectsUnknownRole() {
        Properties properties = minimal();
        properties.setProperty("role.elev", "PUPIL");

        assertThatThrownBy(() -> ColumnMap.of(properties))
                .hasMessage("role.elev must be one of [STUDENT, TEACHER, STAFF, GUARDIAN, OTHER], not 'PUPIL'");
    }

    @Test
    void namesNeedAHeader() {
        Properties properties = minimal();
        properties.setProperty("header", "false");

        assertThatThrownBy(() -> ColumnMap.of(properties))
                .hasMessageEndingWith("must be a 1-based column number when header=false, not 'id'")
                .hasMessageStartingWith("column.");
    }

    @Test
    void rejectsBadSeparatorAndDateFormat() {
        Properties separator = minimal();
        separator.setProperty("separator", ";;");
        Properties dateFormat = minimal();
        dateFormat.setProperty("dateFormat", "dd.MM.yyyyy{");

        assertThatThrownBy(() -> ColumnMap.of(separator)).hasMessageContaining("separator must be one character");
        assertThatThrownBy(() -> ColumnMap.of(dateFormat)).isInstanceOf(IllegalArgumentException.class);
    }
}
