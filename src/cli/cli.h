/*
 * cli.h - the command-line front: option parsing and the commands.
 *
 * Each command family lives in its own cmd_*.c and is listed in the command
 * table of main.c. Every command takes --db URL (default: db_default_url()).
 * Errors print one translated line on stderr and map to exit codes through
 * kh_kind_exit_code(). Unknown options are errors.
 */
#ifndef KH_CLI_CLI_H
#define KH_CLI_CLI_H

#include <stdbool.h>

#include <stdio.h>

#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"

struct cli_opt {
	const char *name;	/* without the leading "--" */
	bool has_arg;		/* takes a value: --name VALUE or --name=VALUE */
	const char *value;	/* the value given (or NULL) */
	bool seen;		/* given at all */
};

/*
 * Parse argv[0..argc) (options and positional words in any order). Known
 * options are filled in opts; positional words are collected into pos (at
 * most max_pos). Returns 0, or prints an error and returns KH_E_INVALID.
 */
int cli_parse(int argc, char **argv, struct cli_opt *opts, int nopts,
    const char **pos, int max_pos, int *npos);

/* Value of an option by name, NULL when absent. */
const char *cli_get(const struct cli_opt *opts, int nopts, const char *name);
bool cli_has(const struct cli_opt *opts, int nopts, const char *name);

/*
 * Open the database named by --db (or the default), creating the folder of
 * an SQLite file, and apply pending migrations. Prints errors.
 */
int cli_open_db(const char *url, struct db **out);

/* Print a translated error (language from $LANG: vi unless it says en). */
void cli_print_err(const struct kh_err *err);

/* Print err and return the exit code of its kind (1 when it has none). */
int cli_fail(const struct kh_err *err);

/* Print a usage error (msgid with at most one %s) and return 2. */
int cli_usage_error(const char *msgid, const char *arg);

/*
 * Open the database (cli_open_db) and fill the system actor. 0, or an exit
 * code with the error printed (nothing left open).
 */
int cli_open_system(const char *url, struct db **db, struct actor *sys);

/* Write s as a CSV field (quoted when it holds a comma, a quote or a line
 * break; NULL is empty), then ',' or, when last, a newline. */
void cli_csv_field(FILE *f, const char *s, bool last);

/* The language for messages on the terminal. */
const char *cli_lang(void);

/*
 * The folder of the project's data named sub ("units", "criteria"):
 * data/SUB under the current folder when it holds the file `probe`, else
 * data/SUB beside the executable's folder (build/khuyenhoc ->
 * build/../data/SUB), so commands work from anywhere in a checkout; the
 * first when neither does. malloc'd.
 */
char *cli_data_dir(const char *sub, const char *probe);

/* Read one line from stdin (a password), without its newline. */
char *cli_read_line(void);

/* Commands: argc/argv start after the command name. Return an exit code. */
int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_units(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_people(int argc, char **argv);

#endif
