/*
 * i18n.c - gettext lookup per call, language chosen by the caller.
 */
#include "core/i18n.h"

#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KH_TEXTDOMAIN "khuyenhoc"

void
i18n_init(const char *localedir)
{
	char exe[PATH_MAX], dir[PATH_MAX + 16];
	const char *env;
	ssize_t n;
	char *slash;

	/*
	 * LANGUAGE would override the catalogue chosen here; the language of
	 * each text is the request's, never the environment's.
	 */
	unsetenv("LANGUAGE");
	setlocale(LC_ALL, "C.UTF-8");
	env = getenv("KHUYENHOC_LOCALEDIR");
	if (localedir == NULL && env != NULL && *env != '\0')
		localedir = env;
	if (localedir == NULL) {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n > 0) {
			exe[n] = '\0';
			slash = strrchr(exe, '/');
			if (slash != NULL)
				*slash = '\0';
			snprintf(dir, sizeof(dir), "%s/locale", exe);
			localedir = dir;
		} else
			localedir = "locale";
	}
	bindtextdomain(KH_TEXTDOMAIN, localedir);
	bind_textdomain_codeset(KH_TEXTDOMAIN, "UTF-8");
}

const char *
i18n_lang(const char *requested)
{
	if (requested != NULL && strncmp(requested, "en", 2) == 0)
		return "en";
	return "vi";
}

const char *
i18n_tr(const char *lang, const char *msgid)
{
	if (msgid == NULL || *msgid == '\0')
		return "";
	if (lang != NULL && strcmp(lang, "en") == 0)
		return msgid;
	return dgettext(KH_TEXTDOMAIN, msgid);
}

const char *
i18n_trn(const char *lang, const char *msgid, const char *msgid_plural,
    unsigned long n)
{
	if (lang != NULL && strcmp(lang, "en") == 0)
		return n == 1 ? msgid : msgid_plural;
	return dngettext(KH_TEXTDOMAIN, msgid, msgid_plural, n);
}
