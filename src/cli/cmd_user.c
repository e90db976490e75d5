/*
 * cmd_user.c - khuyenhoc user add|list|passwd and khuyenhoc token create.
 * The command line acts as the system actor; passwords come from standard
 * input so they never appear in the process list or shell history.
 */
#include "cli/cli.h"
#include "auth/users.h"
#include "core/buf.h"
#include "core/i18n.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
read_password(void)
{
	char *pw = cli_read_line();

	return pw;
}

static void
free_password(char *pw)
{
	if (pw != NULL) {
		sodium_memzero(pw, strlen(pw));
		free(pw);
	}
}

static int
user_add(int argc, char **argv)
{
	struct cli_opt o[] = {{"db", true, NULL, false}, {"login", true, NULL, false},
	    {"role", true, NULL, false}, {"unit", true, NULL, false},
	    {"name", true, NULL, false}};
	struct kh_err err = KH_ERR_INIT;
	struct user_input in;
	struct actor sys;
	struct db *db;
	const char *pos[1];
	char *pw;
	int npos, rc;

	if (cli_parse(argc, argv, o, 5, pos, 0, &npos) != 0)
		return 2;
	if (o[1].value == NULL || o[2].value == NULL || o[3].value == NULL) {
		kh_fail(&err, KH_E_INVALID, N_("Give --login, --role and --unit;"
		    " the password is read from standard input."), NULL);
		return cli_fail(&err);
	}
	rc = cli_open_system(o[0].value, &db, &sys);
	if (rc != 0)
		return rc;
	pw = read_password();
	in.login = o[1].value;
	in.role = o[2].value;
	in.unit_code = o[3].value;
	in.full_name = o[4].value != NULL ? o[4].value : o[1].value;
	in.password = pw;
	rc = users_create(db, &sys, &in, NULL, &err);
	free_password(pw);
	db_close(db);
	if (rc != 0)
		return cli_fail(&err);
	printf("%s: %s\n", i18n_tr(cli_lang(), N_("Account created")), in.login);
	return 0;
}

static int
user_list(int argc, char **argv)
{
	struct cli_opt o[] = {{"db", true, NULL, false}};
	struct kh_err err = KH_ERR_INIT;
	struct user_list l = {0};
	struct actor sys;
	struct db *db;
	const char *pos[1];
	int npos, rc;
	size_t i;

	if (cli_parse(argc, argv, o, 1, pos, 0, &npos) != 0)
		return 2;
	rc = cli_open_system(o[0].value, &db, &sys);
	if (rc != 0)
		return rc;
	rc = users_list(db, &sys, &l, &err);
	db_close(db);
	if (rc != 0)
		return cli_fail(&err);
	printf("login,full_name,role,unit_code,unit_name,active\n");
	for (i = 0; i < l.n; i++) {
		cli_csv_field(stdout, l.items[i].login, false);
		cli_csv_field(stdout, l.items[i].full_name, false);
		cli_csv_field(stdout, auth_role_name(l.items[i].role), false);
		cli_csv_field(stdout, l.items[i].unit_code, false);
		cli_csv_field(stdout, l.items[i].unit_name, false);
		cli_csv_field(stdout, l.items[i].active ? "1" : "0", true);
	}
	user_list_cleanup(&l);
	return 0;
}

static int
user_passwd(int argc, char **argv)
{
	struct cli_opt o[] = {{"db", true, NULL, false}, {"login", true, NULL, false}};
	struct kh_err err = KH_ERR_INIT;
	struct actor sys;
	struct db *db;
	const char *pos[1], *login;
	char *pw;
	int npos, rc;

	if (cli_parse(argc, argv, o, 2, pos, 1, &npos) != 0)
		return 2;
	login = o[1].value != NULL ? o[1].value : npos == 1 ? pos[0] : NULL;
	if (login == NULL) {
		kh_fail(&err, KH_E_INVALID, N_("Give --login; the password is read"
		    " from standard input."), NULL);
		return cli_fail(&err);
	}
	rc = cli_open_system(o[0].value, &db, &sys);
	if (rc != 0)
		return rc;
	pw = read_password();
	rc = users_set_password(db, &sys, login, pw, &err);
	free_password(pw);
	db_close(db);
	if (rc != 0)
		return cli_fail(&err);
	printf("%s: %s\n", i18n_tr(cli_lang(), N_("Password set")), login);
	return 0;
}

int
cmd_user(int argc, char **argv)
{
	struct kh_err err = KH_ERR_INIT;

	if (argc >= 1 && strcmp(argv[0], "add") == 0)
		return user_add(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "list") == 0)
		return user_list(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "passwd") == 0)
		return user_passwd(argc - 1, argv + 1);
	kh_fail(&err, KH_E_INVALID, N_("Use: khuyenhoc user add|list|passwd ..."),
	    NULL);
	return cli_fail(&err);
}

int
cmd_token(int argc, char **argv)
{
	struct cli_opt o[] = {{"db", true, NULL, false}, {"login", true, NULL, false},
	    {"name", true, NULL, false}};
	struct kh_err err = KH_ERR_INIT;
	char token[AUTH_TOKEN_LEN];
	struct actor sys;
	struct db *db;
	const char *pos[1];
	int npos, rc;

	if (argc < 1 || strcmp(argv[0], "create") != 0) {
		kh_fail(&err, KH_E_INVALID, N_("Use: khuyenhoc token create --login L"),
		    NULL);
		return cli_fail(&err);
	}
	if (cli_parse(argc - 1, argv + 1, o, 3, pos, 0, &npos) != 0)
		return 2;
	if (o[1].value == NULL) {
		kh_fail(&err, KH_E_INVALID, N_("Use: khuyenhoc token create --login L"),
		    NULL);
		return cli_fail(&err);
	}
	rc = cli_open_system(o[0].value, &db, &sys);
	if (rc != 0)
		return rc;
	rc = auth_token_create(db, &sys, o[1].value, o[2].value, token, &err);
	db_close(db);
	if (rc != 0)
		return cli_fail(&err);
	printf("%s\n", token);
	sodium_memzero(token, sizeof(token));
	return 0;
}
