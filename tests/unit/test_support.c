/* Shared helpers for unit tests (see test_support.h). */
#include "test_support.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path_buf[4096];

const char *sf_test_data_path(const char *rel)
{
    snprintf(path_buf, sizeof path_buf, "%s/../shared/data/%s", SF_SOURCE_DIR, rel);
    return path_buf;
}

const char *sf_test_source_path(const char *rel)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s", SF_SOURCE_DIR, rel);
    return path_buf;
}

const char *sf_test_bin_path(const char *program)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s", SF_BIN_DIR, program);
    return path_buf;
}

char *sf_test_mkdtemp(const char *tag)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/sf-%s-XXXXXX", base && *base ? base : "/tmp", tag);
    if (!mkdtemp(tmpl))
        return NULL;
    return strdup(tmpl);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void sf_test_rmtree(const char *path)
{
    if (path)
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *sf_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int sf_test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}
