/* The dashboard's static files (see static_files.h). */
#include "collector/static_files.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector/app.h"

#define STATIC_FILE_MAX (64LL << 20)

int sf_static_map_path(const char *root, const char *path, char *out, size_t out_size)
{
    if (path[0] != '/' || strstr(path, "/..") || strstr(path, "/.") || strchr(path, '\\'))
        return -1; /* also refuses dot-files such as /.env */
    const char *rel = strcmp(path, "/") == 0 ? "/index.html" : path;
    if ((size_t)snprintf(out, out_size, "%s%s", root, rel) >= out_size)
        return -1;
    return 0;
}

const char *sf_static_content_type(const char *name)
{
    static const char *const types[][2] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
        {".ico", "image/x-icon"}, {".woff2", "font/woff2"}, {".woff", "font/woff"},
        {".txt", "text/plain; charset=utf-8"}, {".map", "application/json"},
        {".webp", "image/webp"}, {".jpg", "image/jpeg"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcasecmp(dot, types[i][0]) == 0)
            return types[i][1];
    return "application/octet-stream";
}

static int open_regular(const char *file, struct stat *st)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode) || st->st_size > STATIC_FILE_MAX) {
        close(fd);
        return -1;
    }
    return fd;
}

static void send_file(sf_request *r, const char *file, int fd, const struct stat *st)
{
    /* Vite puts content-hashed bundles under /assets/: they never change. */
    int hashed = strstr(r->path, "/assets/") != NULL;
    sf_reply_add_header(r, "Cache-Control", hashed ? "public, max-age=31536000, immutable"
                                                   : "no-cache");
    /* The dashboard's own scripts and styles only (React sets style attributes, hence
     * 'unsafe-inline' for styles, never for scripts); no framing, no referrer leaks. */
    sf_reply_add_header(r, "Content-Security-Policy",
                        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
                        "object-src 'none'; base-uri 'self'; form-action 'self'; "
                        "frame-ancestors 'none'");
    sf_reply_add_header(r, "X-Frame-Options", "DENY");
    sf_reply_add_header(r, "Referrer-Policy", "no-referrer");
    struct evbuffer *body = evbuffer_new();
    evbuffer_add_file(body, fd, 0, st->st_size); /* takes the fd; sendfile where it can */
    sf_reply_buffer(r, 200, sf_static_content_type(file), body);
    evbuffer_free(body);
}

int sf_static_is_page(const sf_request *r)
{
    enum evhttp_cmd_type method = evhttp_request_get_command(r->req);
    if ((method != EVHTTP_REQ_GET && method != EVHTTP_REQ_HEAD) || strcmp(r->path, "/metrics") != 0)
        return 0;
    const char *accept = evhttp_find_header(evhttp_request_get_input_headers(r->req), "Accept");
    return accept && strstr(accept, "text/html") != NULL;
}

void sf_static_serve(sf_request *r, const char *root)
{
    char file[4096];
    struct stat st;
    if (sf_static_map_path(root, r->path, file, sizeof file) != 0) {
        sf_reply_error(r, 404, "Not Found");
        return;
    }
    int fd = open_regular(file, &st);
    if (fd < 0 && !strrchr(strrchr(r->path, '/'), '.')) {
        /* A client-side route (/anomalies/42): the app's index.html handles it. */
        snprintf(file, sizeof file, "%s/index.html", root);
        fd = open_regular(file, &st);
    }
    if (fd < 0) {
        sf_reply_error(r, 404, strcmp(r->path, "/") == 0 ?
                       "Dashboard not built (dashboard/dist is missing)" : "Not Found");
        return;
    }
    send_file(r, file, fd, &st);
}

const char *sf_app_dashboard_dir(struct sf_app *app) { return app->config.dashboard_dir; }
