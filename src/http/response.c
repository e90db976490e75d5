/*
 * response.c - struct http_resp: set-up and clean-up, extra headers,
 * redirects, the plain answers the transport gives on its own (404, 405, 400,
 * 413, 500) and the headers every response carries (security headers, no
 * caching unless asked). Turning a response into bytes is server.c's job.
 */
#include "http/http_impl.h"

#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/log.h"

#define DEFAULT_CONTENT_TYPE "text/html; charset=utf-8"

/* Security policy sent unless the handler chose its own. */
#define DEFAULT_CSP "default-src 'self'; img-src 'self' data:; " \
	"style-src 'self'; script-src 'self'; form-action 'self'; " \
	"frame-ancestors 'none'"

/* Status 200, HTML, empty body, no headers. */
void
http_resp_init(struct http_resp *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->status = 200;
	resp->content_type = DEFAULT_CONTENT_TYPE;
}

/*
 * Free the body buffer and re-initialise resp. Header strings and the
 * location live in the request's arena and go with http_req_cleanup().
 */
void
http_resp_cleanup(struct http_resp *resp)
{
	buf_free(&resp->body);
	http_resp_init(resp);
}

/* An HTTP token (RFC 9110 tchar+): visible ASCII minus separators. */
bool
http_token_valid(const char *s)
{
	const unsigned char *p;

	if (s == NULL || *s == '\0')
		return false;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f ||
		    strchr("()<>@,;:\\\"/[]?={}", *p) != NULL)
			return false;
	return true;
}

/* A header value: no CR, LF or other control character except tab. */
static bool
valid_field_value(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return false;
	return true;
}

/*
 * Name and value are copied into req->arena. A name that is not a token or
 * a value holding CR, LF or other controls would split the response; such a
 * header is dropped and logged instead.
 */
void
http_resp_header(struct http_req *req, struct http_resp *resp,
    const char *name, const char *value)
{
	if (value == NULL)
		value = "";
	if (!http_token_valid(name) || !valid_field_value(value)) {
		log_warn("dropping response header with invalid name or value");
		return;
	}
	http_kvs_add(&req->arena, &resp->headers, name, value);
}

/* True for "/x", false for "//host", "/\host", "http://..." and "". */
static bool
local_path(const char *s)
{
	return s != NULL && s[0] == '/' && s[1] != '/' && s[1] != '\\' &&
	    valid_field_value(s);
}

/*
 * 303 See Other. A target that is not a local path (an open redirect
 * waiting to happen) is replaced by "/" and logged.
 */
void
http_redirect(struct http_req *req, struct http_resp *resp,
    const char *location)
{
	if (!local_path(location)) {
		log_warn("redirect to a non-local target replaced by /");
		location = "/";
	}
	resp->status = 303;
	resp->location = arena_strdup(&req->arena, location);
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "";
	}
}

/*
 * Body "<status> <reason>\n" in text/plain; the headers already set (an Allow
 * header, cookies) stay.
 */
void
http_resp_plain(struct http_resp *resp, int status)
{
	resp->status = status;
	resp->content_type = "text/plain; charset=utf-8";
	resp->location = NULL;
	buf_reset(&resp->body);
	buf_printf(&resp->body, "%d %s\n", status, http_status_text(status));
}

const char *
http_resp_header_get(const struct http_resp *resp, const char *name)
{
	size_t i;

	for (i = 0; i < resp->headers.n; i++)
		if (strcasecmp(resp->headers.items[i].name, name) == 0)
			return resp->headers.items[i].value;
	return NULL;
}

void
http_resp_defaults(const struct http_resp *resp,
    void (*add)(void *cls, const char *name, const char *value), void *cls)
{
	static const struct http_kv defaults[] = {
		{"X-Content-Type-Options", "nosniff"},
		{"X-Frame-Options", "DENY"},
		{"Referrer-Policy", "same-origin"},
		{"Content-Security-Policy", DEFAULT_CSP},
		{"Cache-Control", "no-store"},
	};
	size_t i;

	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (http_resp_header_get(resp, defaults[i].name) == NULL)
			add(cls, defaults[i].name, defaults[i].value);
}
