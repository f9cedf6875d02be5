package org.hermod.api;

import java.util.Map;
import org.apache.camel.Exchange;
import org.hermod.Problem;
import org.hermod.api.auth.ApiUsers;
import org.hermod.api.auth.Permission;
import org.hermod.jobs.ErrorLog;
import org.hermod.jobs.Job;
import org.hermod.jobs.Jobs;

/** {@code /api/jobs} and {@code /api/errors}: job list, detail, update, run now; error log search. Operators only. */
public final class JobsApi extends Api {

    private final Jobs jobs;
    private final ErrorLog errorLog;

    public JobsApi(ApiUsers users, Jobs jobs, ErrorLog errorLog) {
        super(users);
        this.jobs = jobs;
        this.errorLog = errorLog;
    }

    public String list(Exchange exchange) {
        caller(exchange).requireOperator().require(Permission.JOBS_EDIT);
        return Json.respond(exchange, 200, jobs.list());
    }

    public String get(Exchange exchange) {
        caller(exchange).requireOperator().require(Permission.JOBS_EDIT);
        return Json.respond(exchange, 200, find(param(exchange, "id")));
    }

    /** Updates the settings given in the body; fields left out keep their value. Statistics are read-only. */
    public String update(Exchange exchange) {
        caller(exchange).requireOperator().require(Permission.JOBS_EDIT);
        Job j = find(param(exchange, "id"));
        Json.Body b = Json.body(exchange);
        var n = b.node();
        Integer priority = b.integer("priority");
        Job updated = new Job(j.id(),
                n.has("name") ? b.requiredString("name", Limits.JOB_NAME) : j.name(),
                n.has("description") ? b.string("description", Limits.JOB_NOTE) : j.description(),
                n.has("note") ? b.string("note", Limits.JOB_NOTE) : j.note(),
                b.bool("active", j.active()),
                n.has("logLevel") ? b.choice("logLevel", Job.LogLevel.class) : j.logLevel(),
                n.has("validFrom") ? b.instant("validFrom") : j.validFrom(),
                n.has("validTo") ? b.instant("validTo") : j.validTo(),
                n.has("schedule") ? b.string("schedule", Limits.JOB_SCHEDULE) : j.schedule(),
                priority == null ? j.priority() : priority,
                n.has("errorEmail") ? b.string("errorEmail", Limits.EMAIL) : j.errorEmail(),
                n.has("tenants") ? Limits.check("tenants", String.join(",", b.strings("tenants")), Limits.JOB_TENANTS)
                        : j.tenants(),
                j.runRequested(), j.lastRunAt(), j.nextRunAt(), j.lastDurationMs(), j.runCount(), j.errorCount(),
                j.lastError(), j.lastFailed());
        if (updated.errorEmail() != null && !updated.errorEmail().isBlank() && !updated.errorEmail().contains("@")) {
            throw Problem.badRequest("errorEmail", "is not an e-mail address");
        }
        jobs.update(updated);
        return Json.respond(exchange, 200, find(j.id()));
    }

    public String run(Exchange exchange) {
        caller(exchange).requireOperator().require(Permission.JOBS_EDIT);
        String id = param(exchange, "id");
        jobs.requestRun(id);
        return Json.respond(exchange, 202, Map.of("job", id, "runRequested", true));
    }

    public String errors(Exchange exchange) {
        caller(exchange).requireOperator().require(Permission.JOBS_EDIT);
        return Json.respond(exchange, 200, errorLog.search(Json.instant("from", param(exchange, "from")),
                Json.instant("to", param(exchange, "to")), param(exchange, "job"), intParam(exchange, "max", 100, 10_000)));
    }

    private Job find(String id) {
        return jobs.find(id).orElseThrow(() -> Problem.notFound("job " + id));
    }
}
