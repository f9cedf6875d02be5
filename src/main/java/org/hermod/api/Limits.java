package org.hermod.api;

import org.hermod.Problem;

/**
 * How long each text the API stores may be: the size of its column in db/migration (the file is named with
 * each), so an over-long value is a 400 naming the field and the limit instead of the database's 500. Errors
 * give the length, never the value: it may be personal data.
 */
public final class Limits {

    /** sms_template.name (V1). */
    public static final int TEMPLATE_NAME = 100;
    /** sms_template.text, sms.text, sms_request.text (V1). */
    public static final int TEXT = 4000;
    /** api_token.name (V1). */
    public static final int TOKEN_NAME = 100;
    /** tenant.name (V1). */
    public static final int TENANT_NAME = 200;
    /** tenant.id, and every other tenant_id (V1). */
    public static final int TENANT_ID = 64;
    /** job.name (V1). */
    public static final int JOB_NAME = 200;
    /** job.description and job.note (V1). */
    public static final int JOB_NOTE = 1000;
    /** job.schedule (V1). */
    public static final int JOB_SCHEDULE = 100;
    /** job.tenants, comma separated (V1). */
    public static final int JOB_TENANTS = 1000;
    /** job.error_email and dir_user.email (V1). */
    public static final int EMAIL = 320;
    /** dir_user.sis_id and dir_group.sis_id (V1). */
    public static final int SIS_ID = 128;
    /** dir_user.account (V1). */
    public static final int ACCOUNT = 128;
    /** dir_user.given_name, family_name; dir_group.name, school, session_name (V1). */
    public static final int NAME = 200;
    /** dir_user.mobile (V1). */
    public static final int MOBILE = 32;
    /** sms.channel (V1). */
    public static final int CHANNEL = 64;
    /** mobile_prefix.country, country_code, prefix, description (V1). */
    public static final int COUNTRY = 2;
    public static final int COUNTRY_CODE = 4;
    public static final int PREFIX = 16;
    public static final int DESCRIPTION = 200;

    private Limits() {
    }

    /** {@code value} unchanged, or a 400 for {@code field} when it has more than {@code max} characters. */
    public static String check(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw Problem.badRequest(field, "has " + value.length() + " characters; at most " + max + " are allowed");
        }
        return value;
    }

    /** {@code value} unchanged, or a 400 for {@code field} when it holds a NUL character (PostgreSQL refuses it). */
    public static String check(String field, String value) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw Problem.badRequest(field, "must not contain the NUL character (U+0000)");
        }
        return value;
    }
}
