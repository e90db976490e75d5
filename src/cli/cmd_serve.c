/*
 * cmd_serve.c - khuyenhoc serve: the web server until SIGINT or SIGTERM.
 */
#include "cli/cli.h"
#include "core/i18n.h"
#include "core/log.h"
#include "http/http.h"
#include "io/doc.h"
#include "web/web.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Split "HOST:PORT" or "[V6]:PORT" or ":PORT". */
static int
parse_listen(const char *s, char *host, size_t hostsz, unsigned short *port)
{
	const char *colon;
	char *end;
	long p;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			return -1;
		snprintf(host, hostsz, "%.*s", (int)(close - s - 1), s + 1);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return -1;
		snprintf(host, hostsz, "%.*s", (int)(colon - s), s);
		if (host[0] == '\0')
			snprintf(host, hostsz, "127.0.0.1");
	}
	p = strtol(colon + 1, &end, 10);
	if (*end != '\0' || p < 0 || p > 65535)
		return -1;
	*port = (unsigned short)p;
	return 0;
}

int
cmd_serve(int argc, char **argv)
{
	struct cli_opt o[] = {{"db", true, NULL, false},
	    {"listen", true, NULL, false}, {"threads", true, NULL, false}};
	struct kh_err err = KH_ERR_INIT;
	struct http_config cfg;
	struct http_router *router;
	struct http_server *srv = NULL;
	const char *listen = getenv("KHUYENHOC_LISTEN");
	const char *url, *pos[1];
	unsigned short bound = 0;
	char host[128];
	struct db *db;
	sigset_t set;
	int npos, sig, rc;

	if (cli_parse(argc, argv, o, 3, pos, 0, &npos) != 0)
		return 2;
	if (o[1].value != NULL)
		listen = o[1].value;
	if (listen == NULL || listen[0] == '\0')
		listen = "127.0.0.1:8080";
	memset(&cfg, 0, sizeof(cfg));
	if (parse_listen(listen, host, sizeof(host), &cfg.port) != 0) {
		kh_fail(&err, KH_E_INVALID, N_("The address to listen on must be"
		    " HOST:PORT, e.g. 127.0.0.1:8080; got %s."), listen);
		cli_print_err(&err);
		return 2;
	}
	url = o[0].value != NULL ? o[0].value : db_default_url();
	/* Apply migrations once before serving. */
	if (cli_open_db(url, &db) != 0)
		return 1;
	db_close(db);
	if (db_pool_init(url, 8, &err) != 0) {
		cli_print_err(&err);
		return 1;
	}
	cfg.host = host;
	cfg.threads = o[2].value != NULL ? (unsigned)atoi(o[2].value) : 4;
	if (cfg.threads < 1 || cfg.threads > 64)
		cfg.threads = 4;
	cfg.max_body = 1024 * 1024;
	cfg.max_upload = 16 * 1024 * 1024;
	cfg.connection_limit = 1000;
	cfg.timeout_s = 60;
	cfg.log_requests = getenv("KHUYENHOC_QUIET") == NULL;
	/* Signals are taken synchronously by this thread only. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	router = web_router();
	rc = http_server_start(&cfg, router, &web_hooks, &srv, &bound);
	if (rc != 0) {
		kh_fail(&err, KH_E_IO, N_("Cannot listen on %s."), listen);
		cli_print_err(&err);
		http_router_free(router);
		db_pool_shutdown();
		return 1;
	}
	printf("khuyenhoc: listening on http://%s%s%s:%u/\n",
	    strchr(host, ':') != NULL ? "[" : "", host,
	    strchr(host, ':') != NULL ? "]" : "", bound);
	fflush(stdout);
	log_info("serving %s", url);
	sigwait(&set, &sig);
	log_info("stopping on signal %d", sig);
	http_server_stop(srv);
	http_router_free(router);
	db_pool_shutdown();
	doc_shutdown();
	return 0;
}
