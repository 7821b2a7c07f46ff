/* Address helpers: IP text validation/canonical form and host:port parsing. */
#include "common/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sf_addr_canonical(const char *text, char out[SF_ADDR_TEXT_MAX])
{
    unsigned char bin[16];
    if (!text || strlen(text) >= SF_ADDR_TEXT_MAX)
        return -1;
    if (inet_pton(AF_INET, text, bin) == 1)
        return inet_ntop(AF_INET, bin, out, SF_ADDR_TEXT_MAX) ? 0 : -1;
    if (inet_pton(AF_INET6, text, bin) == 1)
        return inet_ntop(AF_INET6, bin, out, SF_ADDR_TEXT_MAX) ? 0 : -1;
    return -1;
}

bool sf_addr_is_loopback(const char *text)
{
    unsigned char bin[16];
    if (inet_pton(AF_INET, text, bin) == 1)
        return bin[0] == 127;
    if (inet_pton(AF_INET6, text, bin) == 1) {
        static const unsigned char v6_loop[16] = {[15] = 1};
        static const unsigned char v4_mapped[12] = {[10] = 0xff, [11] = 0xff};
        if (memcmp(bin, v6_loop, 16) == 0)
            return true;
        return memcmp(bin, v4_mapped, 12) == 0 && bin[12] == 127;
    }
    return false;
}

int sf_hostport_parse(const char *text, char *host, size_t host_size, uint16_t *port,
                      char *err, size_t err_size)
{
    const char *colon;
    size_t host_len;
    const char *host_start = text;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (!close || close[1] != ':') {
            snprintf(err, err_size, "'%s': expected [IPv6]:PORT", text);
            return -1;
        }
        host_start = text + 1;
        host_len = (size_t)(close - host_start);
        colon = close + 1;
    } else {
        colon = strrchr(text, ':');
        if (!colon) {
            snprintf(err, err_size, "'%s': expected HOST:PORT", text);
            return -1;
        }
        host_len = (size_t)(colon - text);
    }
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || p < 0 || p > 65535) {
        snprintf(err, err_size, "'%s': port must be 0..65535", text);
        return -1;
    }
    if (host_len == 0) {
        host_start = "127.0.0.1";
        host_len = strlen(host_start);
    }
    if (host_len >= host_size) {
        snprintf(err, err_size, "'%s': host too long", text);
        return -1;
    }
    memcpy(host, host_start, host_len);
    host[host_len] = '\0';
    *port = (uint16_t)p;
    return 0;
}
