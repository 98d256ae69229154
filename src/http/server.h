/* The HTTP front: libmicrohttpd with epoll and a thread pool, keep-alive,
 * body limits, routing, identity, and the reply on the wire. */
#ifndef FH_HTTP_SERVER_H
#define FH_HTTP_SERVER_H

#include <stddef.h>

#include "config.h"
#include "http/router.h"

#define HTTP_API_BASE "/api/v1/freelance"

/* The API's routes below HTTP_API_BASE, and the operational ones at the
 * root (/healthz, /readyz, /metrics), defined in routes.c. */
extern const route_t http_routes[];
extern const size_t http_nroutes;
extern const route_t http_root_routes[];
extern const size_t http_nroot_routes;

typedef struct http_server http_server_t;

/* Starts listening and serving on cfg's host and port. Returns 0 and the
 * server, or a negative fh_err with the reason logged. */
int http_server_start(const config_t *cfg, http_server_t **out);

/* The port actually bound (useful when PORT is 0). */
int http_server_port(const http_server_t *srv);

/* Stops accepting, waits up to timeout_s for requests in flight, then stops
 * every thread and frees srv. */
void http_server_stop(http_server_t *srv, int timeout_s);

#endif
