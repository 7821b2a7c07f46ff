/* Connecting from a chosen address (see tg_connect.h). */
#include "tg_connect.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONN_BUF_SIZE 65536

int tg_address_nth(const char *base, uint32_t n, char *out, size_t size)
{
    struct in_addr a;
    if (inet_pton(AF_INET, base, &a) != 1)
        return -1;
    uint32_t h = ntohl(a.s_addr), i = 0;
    for (;; h++) {
        if ((h & 0xff) == 0 || (h & 0xff) == 255)
            continue;
        if (i++ == n)
            break;
    }
    a.s_addr = htonl(h);
    return inet_ntop(AF_INET, &a, out, (socklen_t)size) ? 0 : -1;
}

int tg_connect_from(sf_http_conn *c, const sf_url *url, const char *source, int timeout_ms,
                    char *err, size_t es)
{
    if (!source || !*source)
        return sf_http_connect(c, url, timeout_ms, err, es);
    memset(c, 0, sizeof *c);
    c->fd = -1;
    if (url->tls)
        return snprintf(err, es, "https is not supported with client addresses"), -1;
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res = NULL;
    char port[8];
    snprintf(port, sizeof port, "%u", url->port);
    int gai = getaddrinfo(url->host, port, &hints, &res);
    if (gai != 0)
        return snprintf(err, es, "resolve %s: %s", url->host, gai_strerror(gai)), -1;
    struct sockaddr_in src = {.sin_family = AF_INET};
    int fd = -1, e = 0;
    if (inet_pton(AF_INET, source, &src.sin_addr) != 1) {
        e = EINVAL;
    } else if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0 ||
               bind(fd, (struct sockaddr *)&src, sizeof src) != 0 ||
               (connect(fd, res->ai_addr, res->ai_addrlen) != 0 && errno != EINPROGRESS)) {
        e = errno;
    } else {
        int so = 0;
        socklen_t sl = sizeof so;
        int w = sf_http_wait_fd(fd, POLLOUT, sf_http_now_us() + (int64_t)timeout_ms * 1000);
        if (w <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl) != 0 || so)
            e = w == 0 ? ETIMEDOUT : (so ? so : errno);
    }
    freeaddrinfo(res);
    if (e) {
        if (fd >= 0)
            close(fd);
        return snprintf(err, es, "connect %s:%u from %s: %s", url->host, url->port, source,
                        strerror(e)), -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->fd = fd;
    c->cap = CONN_BUF_SIZE;
    if (!(c->buf = malloc(c->cap))) {
        sf_http_close(c);
        return snprintf(err, es, "out of memory"), -1;
    }
    return 0;
}
