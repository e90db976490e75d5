/*
 * main.c - the command table of khuyenhoc.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_criteria.h"
#include "cli/cmd_models.h"
#include "cli/cmd_report.h"
#include "core/i18n.h"

struct command {
	const char *name;		/* the word typed after khuyenhoc */
	int (*fn)(int argc, char **argv);
	const char *help;		/* one line, English msgid */
};

static const struct command commands[] = {
	{"serve", cmd_serve, N_("serve [--db URL] [--listen HOST:PORT]  run the web server")},
	{"migrate", cmd_migrate, N_("migrate [--db URL]  apply pending database migrations")},
	{"units", cmd_units, N_("units import|list|search ...  administrative units")},
	{"user", cmd_user, N_("user add|list|passwd ...  user accounts")},
	{"token", cmd_token, N_("token create --login L  print a new API token")},
	{"backup", cmd_backup, N_("backup FILE [--db URL]  copy the database into FILE")},
	{"import", cmd_import, N_("import people FILE --unit CODE [--dry-run] [--mode all|good-rows] [--errors OUT.xlsx]  import a list of residents")},
	{"people", cmd_people, N_("people list --unit CODE [--format csv|json]  list residents in Vietnamese name order")},
	{"criteria", cmd_criteria, N_("criteria load|list ...  criteria sets of the learning models")},
	{"models", cmd_models, N_("models register|assess|verify|propose|list ...  the yearly cycle of the learning models")},
	/* Reports and indicators. */
	{"report", cmd_report, N_("report forms load|assign|save|submit|approve|return|reopen|show|status|share ...  report forms, reports and their consolidation")},
	{"indicator", cmd_indicator, N_("indicator load|show --unit CODE --period PERIOD [--structure old|new] [--format csv|json]  indicators with their targets")},
	{"demo", cmd_demo, N_("demo [--db URL]  load units and the demo data set")},
};

static void
usage(FILE *f)
{
	const char *lang = cli_lang();
	size_t i;

	fprintf(f, "%s: khuyenhoc COMMAND ...\n", i18n_tr(lang, N_("Usage")));
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  khuyenhoc %s\n", i18n_tr(lang, commands[i].help));
}

int
main(int argc, char **argv)
{
	size_t i;

	i18n_init(NULL);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 2, argv + 2);
	fprintf(stderr, "khuyenhoc: %s: %s\n",
	    i18n_tr(cli_lang(), N_("unknown command")), argv[1]);
	usage(stderr);
	return 2;
}
