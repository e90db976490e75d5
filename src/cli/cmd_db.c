/*
 * cmd_db.c - khuyenhoc migrate, khuyenhoc backup.
 */
#include "cli/cli.h"
#include "core/i18n.h"

#include <stdio.h>

int
cmd_migrate(int argc, char **argv)
{
	struct cli_opt opts[] = {{"db", true, NULL, false}};
	struct kh_err err = KH_ERR_INIT;
	const char *pos[1];
	struct db *db;
	int npos, applied = 0, rc;

	if (cli_parse(argc, argv, opts, 1, pos, 0, &npos) != 0)
		return 2;
	rc = db_open(opts[0].value != NULL ? opts[0].value : db_default_url(),
	    &db, &err);
	if (rc == 0) {
		rc = db_migrate(db, &applied, &err);
		db_close(db);
	}
	if (rc != 0) {
		cli_print_err(&err);
		return kh_kind_exit_code(rc);
	}
	printf("%s: %d\n", i18n_tr(cli_lang(), N_("Migrations applied")), applied);
	return 0;
}

int
cmd_backup(int argc, char **argv)
{
	struct cli_opt opts[] = {{"db", true, NULL, false}};
	struct kh_err err = KH_ERR_INIT;
	const char *pos[1];
	struct db *db;
	int npos, rc;

	if (cli_parse(argc, argv, opts, 1, pos, 1, &npos) != 0)
		return 2;
	if (npos != 1) {
		kh_fail(&err, KH_E_INVALID, N_("Name the backup file: khuyenhoc backup FILE."), NULL);
		cli_print_err(&err);
		return 2;
	}
	if (cli_open_db(opts[0].value, &db) != 0)
		return 1;
	rc = db_backup(db, pos[0], &err);
	db_close(db);
	if (rc != 0) {
		cli_print_err(&err);
		return kh_kind_exit_code(rc);
	}
	printf("%s: %s\n", i18n_tr(cli_lang(), N_("Backup written")), pos[0]);
	return 0;
}
