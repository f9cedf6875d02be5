package org.hermod.sis;

/**
 * Where a record was read, for the errors found only when it is applied (duplicate ids and references to users
 * are checked in the database, see {@link DirectoryWriter}).
 *
 * @param file     file name as in the export (LDAP: the entry's DN)
 * @param line     physical line where the row starts (LDAP: the entry's number in the search)
 * @param idColumn the column holding the record's id, as written in the file (LDAP: the id attribute)
 */
public record Origin(String file, int line, String idColumn) {
}
