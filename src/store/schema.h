/* schema.h - private to the store: the list of forward migrations. */
#ifndef TATER_STORE_SCHEMA_H
#define TATER_STORE_SCHEMA_H

struct schema_migration {
	int version;       /* user_version after this migration */
	const char *what;  /* for messages */
	const char *sql;
};

extern const struct schema_migration schema_migrations[];
extern const int schema_migration_count;

#endif
