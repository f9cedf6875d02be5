package org.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Validates every routes/*.camel.yaml against the Camel YAML DSL JSON schema shipped in camel-yaml-dsl,
 * as the camel-yaml-dsl-validator-maven-plugin does (that plugin is not published for 4.17 on the
 * reachable mirror). A typo in a route key fails the build here.
 */
class RoutesSchemaTest {

    @Test
    void everyRouteFileMatchesTheYamlDslSchema() throws Exception {
        JsonSchema schema;
        try (InputStream in = getClass().getResourceAsStream("/schema/camelYamlDsl.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("routes"))) {
            files = s.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            JsonNode routes = yaml.readTree(file.toFile());
            Set<ValidationMessage> errors = schema.validate(routes);
            assertThat(errors).as(file + " against the YAML DSL schema").isEmpty();
        }
    }

    @Test
    void theSchemaCatchesATypo() throws Exception {
        JsonSchema schema;
        try (InputStream in = getClass().getResourceAsStream("/schema/camelYamlDsl.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
        JsonNode bad = new ObjectMapper(new YAMLFactory()).readTree("- route:\n    id: x\n    form:\n      uri: timer:x\n");
        assertThat(schema.validate(bad)).isNotEmpty();
    }
}
